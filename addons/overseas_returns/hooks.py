from odoo import SUPERUSER_ID, api


def post_init_hook(cr, registry):
    """Give the warehouses that existed before the install their return locations and
    operation types, through the code path of a new warehouse."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env['stock.warehouse'].with_context(active_test=False).search(
        [])._create_missing_return_setup()
