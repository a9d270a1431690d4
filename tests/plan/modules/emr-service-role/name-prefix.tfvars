# A name prefix: the engine picks the unique name, so the name is unknown at plan time.
name            = "analytics-emr-service"
use_name_prefix = true
