from . import overseas_return_kpi_dashboard
