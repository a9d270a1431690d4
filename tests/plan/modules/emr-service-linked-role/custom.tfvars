# A description of the account's EMR service-linked role.
description = "EMR cleanup, created by the platform workspace."
