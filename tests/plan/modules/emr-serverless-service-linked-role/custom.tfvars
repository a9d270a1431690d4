# A description of the account's EMR Serverless service-linked role.
description = "EMR Serverless, created by the platform workspace."
