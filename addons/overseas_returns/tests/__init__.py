from . import test_reason
