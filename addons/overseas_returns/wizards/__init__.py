from . import overseas_return_refund_wizard
