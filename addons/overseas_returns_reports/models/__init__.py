from . import overseas_return_kpi
from . import overseas_return_product_alert
