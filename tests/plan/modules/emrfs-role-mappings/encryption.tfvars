# Encryption only, no mappings: the security configuration is known at plan time and carries no
# AuthorizationConfiguration.
encryption_configuration = {
  EncryptionConfiguration = {
    EnableInTransitEncryption = false
    EnableAtRestEncryption    = true
    AtRestEncryptionConfiguration = {
      S3EncryptionConfiguration = {
        EncryptionMode = "SSE-KMS"
        AwsKmsKey      = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      }
    }
  }
}
