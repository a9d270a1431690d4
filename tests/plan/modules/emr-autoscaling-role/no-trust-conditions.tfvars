# trust_conditions = false: no condition even with a source account.
source_account_id = "111122223333"
trust_conditions  = false
