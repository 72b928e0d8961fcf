from . import personal_data
from . import api
from . import registration
from . import consent
