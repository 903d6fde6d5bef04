from odoo import _, api, fields, models

# The return locations and operation types of a warehouse, in creation order.
RETURN_LOCATION_FIELDS = ('return_location_id', 'return_rework_location_id',
                          'return_donation_location_id', 'return_origin_location_id',
                          'return_graded_location_id')
RETURN_TYPE_FIELDS = ('return_type_id', 'return_disposition_type_id')


class StockWarehouse(models.Model):
    """Every warehouse has its return locations and its two return operation types,
    made and kept up to date through core's warehouse hooks: creation
    (`create_sequences_and_picking_types`), rename (`_update_name_and_code`) and
    archiving (`write` with `active`).

    The return locations sit under a view location of their own ("<code>-Returns",
    under Physical Locations), not under the warehouse's view location: Odoo counts
    everything below that one as the warehouse's On Hand (qty_available with the
    warehouse in the context, the sale order's availability warning), and units in
    quarantine or rework must not be sold.
    """

    _inherit = 'stock.warehouse'

    return_view_location_id = fields.Many2one(
        'stock.location', string='Returns View Location',
        help='Parent of the return locations, outside the warehouse\'s sellable stock.')

    return_location_id = fields.Many2one(
        'stock.location', string='Returns Quarantine Location',
        domain=[('usage', '=', 'internal')],
        help='Where returned parcels wait for inspection. Not sellable stock.')
    return_rework_location_id = fields.Many2one(
        'stock.location', string='Rework Location', domain=[('usage', '=', 'internal')],
        help='Returned goods being relabelled or repacked before going back to stock.')
    return_donation_location_id = fields.Many2one(
        'stock.location', string='Donation Location',
        help='Donated goods leave the stock (and its valuation) here.')
    return_origin_location_id = fields.Many2one(
        'stock.location', string='Return-to-Origin Location',
        help='Transit location for goods shipped back to the home country.')
    return_graded_location_id = fields.Many2one(
        'stock.location', string='Graded Stock Location', domain=[('usage', '=', 'internal')],
        help='Restocked used (graded, B-stock) returns, apart from new stock: not under '
             'the stock location, so new stock never includes them.')
    return_type_id = fields.Many2one(
        'stock.picking.type', string='Returns Receipt Type',
        help='Incoming operation type used to receive customer returns.')
    return_disposition_type_id = fields.Many2one(
        'stock.picking.type', string='Return Dispositions Type',
        help='Internal operation type used to move inspected returns to their destination.')

    # ------------------------------------------------------------------ core hooks
    def create_sequences_and_picking_types(self):
        """Core's creation hook, run for every new warehouse: add ours."""
        warehouse_data = super(StockWarehouse, self).create_sequences_and_picking_types()
        receipt_type = self.env['stock.picking.type'].browse(warehouse_data['in_type_id'])
        warehouse_data.update(self._create_return_setup_values(receipt_type))
        return warehouse_data

    def _get_sequence_values(self):
        values = super(StockWarehouse, self)._get_sequence_values()
        values.update(self._get_return_sequence_values())
        return values

    def _update_name_and_code(self, new_name=False, new_code=False):
        """Rename our sequences with the warehouse.

        Core renames the view location (so our locations, its children, follow) and
        names the operation types after the warehouse; the sequence values are computed
        here from the new name and code, since core calls this before writing them.
        """
        res = super(StockWarehouse, self)._update_name_and_code(new_name, new_code)
        if new_code:
            for warehouse in self.filtered('return_view_location_id'):
                warehouse.return_view_location_id.sudo().write(
                    {'name': warehouse._return_view_location_name(new_code)})
        for warehouse in self:
            sequence_data = warehouse._get_return_sequence_values(new_name, new_code)
            for field_name in RETURN_TYPE_FIELDS:
                warehouse[field_name].sequence_id.sudo().write(sequence_data[field_name])
        return res

    @api.multi
    def write(self, vals):
        res = super(StockWarehouse, self).write(vals)
        if 'active' in vals:
            self._set_return_setup_active(bool(vals['active']))
        return res

    # ------------------------------------------------------------------ our values
    def _return_view_location_name(self, code=False):
        return '%s-%s' % (code or self.code, _('Returns'))

    def _get_return_view_location(self):
        """The view location of our locations, made when missing."""
        self.ensure_one()
        if not self.return_view_location_id:
            physical = self.env.ref('stock.stock_location_locations',
                                    raise_if_not_found=False)
            self.return_view_location_id = self.env['stock.location'].sudo().create({
                'name': self._return_view_location_name(),
                'usage': 'view',
                'location_id': physical and physical.id or False,
                'company_id': self.company_id.id,
                'active': self.active,
            })
        return self.return_view_location_id

    def _get_return_locations_values(self):
        """Values of our locations, children of our own view location."""
        self.ensure_one()
        common = {'location_id': self._get_return_view_location().id,
                  'company_id': self.company_id.id, 'active': self.active}
        values = {
            'return_location_id': {'name': _('Returns Quarantine'), 'usage': 'internal'},
            'return_rework_location_id': {'name': _('Rework'), 'usage': 'internal'},
            'return_donation_location_id': {'name': _('Donation'), 'usage': 'inventory'},
            'return_origin_location_id': {'name': _('Return to Origin'),
                                          'usage': 'transit'},
            'return_graded_location_id': {'name': _('Graded Stock'), 'usage': 'internal'},
        }
        for location_values in values.values():
            location_values.update(common)
        return values

    def _get_return_sequence_values(self, name=False, code=False):
        """Like core's `_get_sequence_values`, for our types; name and code default
        to the warehouse's own."""
        self.ensure_one()
        name = name or self.name
        code = code or self.code
        return {
            'return_type_id': {
                'name': '%s %s' % (name, _('Sequence customer returns')),
                'prefix': '%s/RET/' % code, 'padding': 5,
                'company_id': self.company_id.id,
            },
            'return_disposition_type_id': {
                'name': '%s %s' % (name, _('Sequence return dispositions')),
                'prefix': '%s/RDP/' % code, 'padding': 5,
                'company_id': self.company_id.id,
            },
        }

    def _get_return_picking_type_values(self, locations, receipt_type):
        """Values of our operation types; `locations` maps our location fields to ids,
        `receipt_type` is the warehouse's receipt type, whose colour they share."""
        self.ensure_one()
        common = {'warehouse_id': self.id, 'color': receipt_type.color,
                  'sequence': receipt_type.sequence + 1, 'active': self.active,
                  'use_create_lots': False, 'use_existing_lots': True}
        values = {
            'return_type_id': {
                'name': _('Customer Returns'), 'code': 'incoming',
                'default_location_src_id': self.env.ref('stock.stock_location_customers').id,
                'default_location_dest_id': locations['return_location_id'],
            },
            'return_disposition_type_id': {
                'name': _('Return Dispositions'), 'code': 'internal',
                'default_location_src_id': locations['return_location_id'],
                'default_location_dest_id': self.lot_stock_id.id,
            },
        }
        for type_values in values.values():
            type_values.update(common)
        return values

    def _create_return_setup_values(self, receipt_type=None):
        """Create the return locations, sequences and operation types this warehouse
        lacks; return the warehouse values that link them (for core's creation hook,
        which writes them, or for `_create_missing_return_setup`)."""
        self.ensure_one()
        receipt_type = receipt_type or self.in_type_id
        # the names are stored in English (the source of their translations), whatever
        # the language of the user who creates the warehouse; see _translate_return_setup
        english = self.with_context(lang='en_US')
        Location = self.env['stock.location'].sudo().with_context(
            active_test=False, lang='en_US')
        result = {}
        for field_name, values in english._get_return_locations_values().items():
            if not self[field_name]:
                result[field_name] = Location.create(values).id
        locations = {field_name: result.get(field_name) or self[field_name].id
                     for field_name in RETURN_LOCATION_FIELDS}
        missing_types = [field_name for field_name in RETURN_TYPE_FIELDS
                         if not self[field_name]]
        if missing_types:
            sequence_data = self._get_return_sequence_values()
            type_data = english._get_return_picking_type_values(locations, receipt_type)
            for field_name in missing_types:
                sequence = self.env['ir.sequence'].sudo().create(sequence_data[field_name])
                type_data[field_name]['sequence_id'] = sequence.id
                result[field_name] = self.env['stock.picking.type'].sudo().with_context(
                    lang='en_US').create(type_data[field_name]).id
        if result:
            self._translate_return_setup(result, receipt_type)
        return result

    def _translate_return_setup(self, records=None, receipt_type=None):
        """Name our locations and operation types in every installed language.

        Both names are translatable fields in Odoo 11: English is stored, each other
        active language gets its translation (from this add-on's .po files), so an
        English user reads "Returns Quarantine" and a Chinese user "退货待检区". The
        full location name (``complete_name``, stored, not translatable) is computed
        once, in the language of the user who creates the warehouse (the context's
        language); the company's other users read it in that language.

        ``records`` maps our warehouse fields to record ids (default: the warehouse's
        own).
        """
        self.ensure_one()
        records = records or {field_name: self[field_name].id
                              for field_name in RETURN_LOCATION_FIELDS + RETURN_TYPE_FIELDS
                              if self[field_name]}
        receipt_type = receipt_type or self.in_type_id
        creator_lang = self.env.context.get('lang') or self.env.user.lang or 'en_US'
        langs = [code for code, _name in self.env['res.lang'].get_installed()]
        if creator_lang not in langs:
            creator_lang = 'en_US'
        if set(langs) <= {'en_US'}:
            return True  # stored in English already
        # the creator's language last: its write leaves complete_name in that language
        langs = sorted(langs, key=lambda code: (code == creator_lang, code == 'en_US'))
        locations = {field_name: records.get(field_name) or self[field_name].id
                     for field_name in RETURN_LOCATION_FIELDS}
        for lang in langs:
            if lang == 'en_US' and creator_lang != 'en_US':
                continue
            translated = self.with_context(lang=lang)
            names = dict(translated._get_return_locations_values())
            names.update(translated._get_return_picking_type_values(locations, receipt_type))
            for field_name, record_id in records.items():
                model = 'stock.location' if field_name in RETURN_LOCATION_FIELDS \
                    else 'stock.picking.type'
                record = self.env[model].sudo().with_context(
                    lang=lang, active_test=False).browse(record_id)
                name = names[field_name]['name']
                if lang != 'en_US' or field_name in RETURN_LOCATION_FIELDS:
                    record.write({'name': name})
        return True

    @api.multi
    def _create_missing_return_setup(self):
        """Give warehouses that existed before the add-on (or lost one of them) their
        return locations and operation types, the way a new warehouse gets them."""
        for warehouse in self:
            values = warehouse._create_return_setup_values()
            if values:
                warehouse.write(values)
            warehouse._move_return_locations_out_of_stock()
        return True

    def _move_return_locations_out_of_stock(self):
        """Locations made before they had a view location of their own (children of
        the warehouse's view location, counted as its stock) move under it."""
        self.ensure_one()
        view = self._get_return_view_location()
        locations = self.env['stock.location']
        for field_name in RETURN_LOCATION_FIELDS:
            locations |= self[field_name]
        locations.filtered(lambda location: location.location_id != view).sudo().write(
            {'location_id': view.id})

    @api.multi
    def _ensure_return_setup(self):
        """Kept for the callers that check a warehouse before using it."""
        return self._create_missing_return_setup()

    def _set_return_setup_active(self, active):
        """Our locations and operation types are archived and restored with their
        warehouse."""
        records = self.with_context(active_test=False)
        locations = self.env['stock.location']
        types = self.env['stock.picking.type']
        for field_name in RETURN_LOCATION_FIELDS + ('return_view_location_id',):
            locations |= records.mapped(field_name)
        for field_name in RETURN_TYPE_FIELDS:
            types |= records.mapped(field_name)
        locations.filtered(lambda location: location.active != active).sudo().write(
            {'active': active})
        types.filtered(lambda picking_type: picking_type.active != active).sudo().write(
            {'active': active})
