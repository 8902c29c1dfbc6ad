// Every test process: dummy AWS settings (nothing here may reach real AWS) and a quiet SDK on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = process.env.AWS_REGION || 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
