// Entry of dist/s3sdk.js: the AWS SDK pieces the S3 stores use, bundled once beside the extension, CLI, language
// server and replay adapter bundles instead of inside each of them (loadSdk.ts loads it on the first S3 request).
export * from '@aws-sdk/client-s3';
export { fromIni } from '@aws-sdk/credential-provider-ini';
export { fromTokenFile } from '@aws-sdk/credential-provider-web-identity';
export { fromHttp } from '@aws-sdk/credential-provider-http';
export { fromInstanceMetadata } from '@smithy/credential-provider-imds';
