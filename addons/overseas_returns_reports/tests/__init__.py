from . import test_overseas_returns_reports
