# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import customer_segment
from . import customer_segment_event
from . import customer_segment_snapshot
from . import customer_lifecycle_transition
from . import res_partner
from . import mailing_mailing
from . import res_config_settings
from . import customer_webhook_delivery
