# create = false plans nothing.
create = false
