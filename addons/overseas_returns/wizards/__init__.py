from . import overseas_return_refund_wizard
from . import overseas_return_import
from . import overseas_return_match
from . import overseas_return_exchange
from . import stock_return_picking
from . import overseas_return_desk
