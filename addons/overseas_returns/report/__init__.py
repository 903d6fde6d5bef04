from . import overseas_return_command_sheet
from . import overseas_return_disposal_certificate
