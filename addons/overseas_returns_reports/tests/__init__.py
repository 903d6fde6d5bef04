from . import test_overseas_returns_reports
from . import test_return_rate_channel
from . import test_kpi_access
from . import test_refunds_reach_reports
from . import test_economics_reports
from . import test_unit_reports
from . import test_report_materialized
from . import test_report_aggregates
