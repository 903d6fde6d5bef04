from . import overseas_return_report
from . import overseas_return_rate_report
from . import overseas_return_economics_report
from . import overseas_return_shipment_report
from . import overseas_return_abuse_report
from . import overseas_return_unit_report
