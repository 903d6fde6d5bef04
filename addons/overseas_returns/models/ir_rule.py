from odoo import api, models, tools


class IrRule(models.Model):
    """Record rules with the company tree resolved once, not at every query.

    Odoo 11's multi-company rules say ``company_id child_of [user.company_id.id]``.
    ``res.company`` has no parent_left/right, so every time such a rule is applied
    (each search, read check and write check of a stock move, a picking, an invoice,
    a return...) the ORM walks the company tree again with one query per level: about
    170 of the 550 queries of receiving a return as a (non-superuser) returns manager.

    The rule's domain is already cached per user (the evaluated ``user.company_id``
    in it too); here the ``child_of`` leaves on companies are expanded to the
    company ids inside that same cache. Odoo clears the cache when a rule, a user's
    company or any company changes; :class:`ResCompany` clears it once more after
    the change is written (Odoo clears it before), so a new or moved company is
    always seen.
    """

    _inherit = 'ir.rule'

    @api.model
    @tools.ormcache('self._uid', 'model_name', 'mode')
    def _compute_domain(self, model_name, mode="read"):
        domain = super(IrRule, self)._compute_domain(model_name, mode)
        if not domain:
            return domain
        model = self.env[model_name]
        # a new list: the parent's result is the cached value of its own cache
        return [self._company_tree_leaf(model, leaf) for leaf in domain]

    def _company_tree_leaf(self, model, leaf):
        """``(path, 'child_of', company ids)`` as ``(path, 'in', ids and descendants)``;
        any other leaf or operator as it is."""
        if not isinstance(leaf, (list, tuple)) or len(leaf) != 3 or leaf[1] != 'child_of':
            return leaf
        path, _operator, value = leaf
        ids = [value] if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(ids, (list, tuple)) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in ids):
            return leaf  # names or records: left to the ORM
        # only a path of many2one fields whose last one, on another model, points to
        # res.company: there child_of means "these companies and their descendants".
        # Elsewhere the ORM reads it otherwise (on res.company's own parent_id it is the
        # company itself that is in the tree, on child_ids it walks up to the parents).
        owner, last_owner = model, None
        for name in path.split('.'):
            field = owner._fields.get(name)
            if field is None or field.type != 'many2one':
                return leaf
            last_owner, owner = owner, self.env[field.comodel_name]
        if owner._name != 'res.company' or last_owner._name == 'res.company':
            return leaf
        return (path, 'in', list(self._company_descendant_ids(tuple(sorted(set(ids))))))

    @api.model
    @tools.ormcache('company_ids')
    def _company_descendant_ids(self, company_ids):
        """The companies and their descendants, once for all users: a new user's first
        steps then do not walk the tree again for each model and mode they touch.
        Cleared with the rules' cache (any company's new parent clears it)."""
        companies = self.env['res.company'].sudo().with_context(active_test=False)
        return tuple(companies.search([('id', 'child_of', list(company_ids))]).ids)
