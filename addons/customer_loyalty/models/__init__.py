# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import loyalty_program
from . import loyalty_card
from . import loyalty_history
from . import customer_loyalty_tier
from . import customer_loyalty_tier_change
from . import res_partner
from . import sale_order
from . import customer_api_key
from . import customer_webhook_delivery
