"""Enqueueing the add-on's background jobs (OCA queue_job)."""

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
