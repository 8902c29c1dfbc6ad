/**
 * Imported first by the CLI's entry point, before anything loads the AWS SDK: turns off the SDK's
 * Node-version warning (its documented switch) so it never lands in the CLI's output. Only the CLI
 * does this; the library leaves its users' processes alone.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
