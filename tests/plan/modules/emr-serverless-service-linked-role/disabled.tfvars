# create = false plans nothing (every workspace but one per account).
create      = false
description = "Not created here."
