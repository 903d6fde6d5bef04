from . import overseas_return_report
from . import overseas_return_rate_report
from . import overseas_return_unit_report
