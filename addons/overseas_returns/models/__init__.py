from . import overseas_return_reason_category
from . import overseas_return_reason
