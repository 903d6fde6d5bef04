"""Enqueueing the add-on's background jobs (OCA queue_job)."""
from decorator import decorate

# queue.job is a mail.thread: by default each new job posts a "created" message and
# makes its creator a follower, about a dozen queries on every receipt, credit note
# or import chunk that queues one. Nobody reads a job's chatter unless it fails, and
# then queue_job subscribes its managers and posts the failure itself.
QUIET_JOB_CONTEXT = {'mail_create_nolog': True, 'mail_create_nosubscribe': True,
                     'tracking_disable': True}


def delayed(records, **options):
    """``records.with_delay(**options)``, the job stored without chatter.

    The context only serves the job's creation: queue_job keeps the records' ids and
    runs the job in a fresh environment, so the method runs with mail as usual.
    """
    return records.with_context(**QUIET_JOB_CONTEXT).with_delay(**options)


def in_user_language(method):
    """Decorator of a job method (below @job): queue_job 11 runs a job as the user
    who queued it but with an empty context, so its messages, the notes it writes
    and the notification to the user would be in English; they are in the user's
    language. The signature is kept (queue_job and Odoo's RPC layer read it)."""
    def wrapper(func, self, *args, **kwargs):
        if not self.env.context.get('lang') and self.env.user.lang:
            self = self.with_context(lang=self.env.user.lang)
        return func(self, *args, **kwargs)
    return decorate(method, wrapper)
