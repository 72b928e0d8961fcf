from . import customer_export_wizard
from . import base_partner_merge_automatic_wizard
from . import customer_forget_wizard
from . import customer_retention_wizard
