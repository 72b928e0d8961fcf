# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_access
from . import test_automations
from . import test_builtin_segments
from . import test_five_w
from . import test_lifecycle
from . import test_mailing_rules
from . import test_rfm
from . import test_segment_refresh
from . import test_security_company
from . import test_security_forget
