from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Existing warehouses get their graded stock location, as a new one does."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env['stock.warehouse'].with_context(active_test=False).search(
        [])._create_missing_return_setup()
