# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_access
from . import test_api
from . import test_bonus_expiry
from . import test_card
from . import test_concurrency
from . import test_cron_batches
from . import test_sale_flow
from . import test_tiers
from . import test_tour
from . import test_webhooks
from . import test_security_ledger
from . import test_security_sale
from . import test_security_company
from . import test_security_privacy
from . import test_security_api
