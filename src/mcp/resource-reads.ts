import type { McpServer, RegisteredResource, RegisteredResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { RESOURCE_NOT_FOUND, ResourceError } from './resource-errors.js';

/** What the server's resources/read answers: filled by the modules that register resources. */
export class ResourceTable {
  readonly fixed = new Map<string, RegisteredResource>();
  readonly templates: RegisteredResourceTemplate[] = [];

  add(uri: string, resource: RegisteredResource): void {
    this.fixed.set(uri, resource);
  }

  addTemplate(template: RegisteredResourceTemplate): void {
    this.templates.push(template);
  }
}

/**
 * Answers resources/read for the resources registered on `server` (call after registering them: it
 * replaces the SDK's own handler). The lookup is the SDK's — exact URI first, then each template —
 * but a URI no resource answers is -32002 (the spec's "resource not found", where the SDK says
 * invalid params), and a string that is not a URI is invalid params in plain words, not an internal error.
 */
export function answerResourceReads(server: McpServer, { fixed, templates }: ResourceTable): void {
  server.server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    let uri: URL;
    try {
      uri = new URL(request.params.uri);
    } catch {
      throw new ResourceError(ErrorCode.InvalidParams, `VALIDATION: not a URI: "${request.params.uri.slice(0, 80)}". Resource URIs look like supportdesk://customers/cust_….`, { code: 'VALIDATION' });
    }
    const exact = fixed.get(uri.toString());
    if (exact?.enabled) return exact.readCallback(uri, extra);
    for (const t of templates) {
      const variables = t.enabled ? t.resourceTemplate.uriTemplate.match(uri.toString()) : null;
      if (variables) return t.readCallback(uri, variables, extra);
    }
    throw new ResourceError(RESOURCE_NOT_FOUND, `NOT_FOUND: no resource at ${uri.toString().slice(0, 120)}. resources/list and resources/templates/list say what can be read.`, { code: 'NOT_FOUND' });
  });
}
