# Every variable at its default: the EMR Serverless service-linked role.
