from . import overseas_return_feedback
from . import portal
