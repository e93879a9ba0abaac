import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Once, before any schema is built: lets every schema carry its OpenAPI name and examples.
extendZodWithOpenApi(z);
// Validation messages are read by clerks and liaisons: Chinese, as everything else users read.
z.config(z.locales.zhCN());

export { z };
