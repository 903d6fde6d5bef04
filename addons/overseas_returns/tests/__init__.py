from . import test_reason
from . import test_order_flow
from . import test_receive
from . import test_inspection
from . import test_dispose
from . import test_sale
from . import test_security
from . import test_warehouse
