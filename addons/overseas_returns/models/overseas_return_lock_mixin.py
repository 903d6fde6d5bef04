import psycopg2
from psycopg2 import errorcodes

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import mute_logger


class OverseasReturnLockMixin(models.AbstractModel):
    """Row locks so that two people (or two workers) never process the same record twice.

    The first caller takes the lock and goes on; a concurrent caller is told at once
    that someone else is working on it instead of waiting and then redoing the work.
    A caller whose snapshot is older than a committed change gets PostgreSQL's
    serialization failure, which Odoo retries; the retry then sees the new state.
    """

    _name = 'overseas.return.lock.mixin'
    _description = 'Overseas Returns Row Locking'

    def _lock_for_update(self):
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(), mute_logger('odoo.sql_db'):
                self.env.cr.execute(
                    'SELECT id FROM "%s" WHERE id IN %%s FOR NO KEY UPDATE NOWAIT'
                    % self._table,
                    (tuple(self.ids),))
        except psycopg2.OperationalError as error:
            if error.pgcode != errorcodes.LOCK_NOT_AVAILABLE:
                raise
            raise UserError(_('Someone else is processing %s right now. Reload the page '
                              'and try again.') % ', '.join(self.mapped('display_name')))
        self.invalidate_cache(ids=self.ids)
