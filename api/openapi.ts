import { OpenApiGeneratorV3, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: '`npm run cli -- token <username>` 打印一个令牌',
  });
  return registry;
}

/** The served document is generated from the same zod schemas that validate requests. */
export function generateOpenApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'jiesu 接诉即办 API',
      version: '1.0.0',
      description: '接诉即办案件引擎：受理、派单、签收/退单、办理、回访。错误信息为中文，格式见 Error。',
    },
    servers: [{ url: '/' }],
  });
}
