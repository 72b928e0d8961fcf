# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import customer_loyalty_adjust_wizard
from . import customer_loyalty_block_wizard
from . import base_partner_merge_automatic_wizard
