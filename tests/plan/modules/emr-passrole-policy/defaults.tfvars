# Every variable at its default: no roles to pass, so no policy.
