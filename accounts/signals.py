"""What happens to a person's sign-in, told to whoever keeps a record of it.

The audit log lives in `sharing`, above this app: it listens here rather than being called.
"""

from django.dispatch import Signal

# sender: the service; by: the coordinator; username / ip_address: whose lock was lifted (one of them).
lockout_cleared = Signal()
# sender: the service; user: who enrolled an authenticator app.
second_factor_enrolled = Signal()
# sender: the view; user: who chose a new password through an emailed link.
password_reset_completed = Signal()
