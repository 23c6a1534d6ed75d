import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SchemaFiles, type JsonObject } from '../src/core/bundle.js';
import { isArray, isRecord } from '../src/core/schemas.js';
import { loadProtocols } from '../src/protocols/index.js';
import { transportOf } from '../src/transports/index.js';
import { root } from './cli-helper.js';

const specsDir = join(root, 'specs');
const files = new SchemaFiles();
const protocols = (await loadProtocols()).filter((protocol) => protocol.api !== undefined);
const generated = new Map(protocols.map((protocol) => [protocol.id, transportOf(protocol).api]));

function checkedIn(name: string): JsonObject {
  const value: unknown = JSON.parse(readFileSync(join(specsDir, name), 'utf8'));
  if (!isRecord(value)) throw new Error(`${name} is not a JSON object`);
  return value;
}

/** Every `$ref` in a document, with where it sits. */
function refsOf(node: unknown, at = ''): { at: string; ref: string }[] {
  if (isArray(node)) return node.flatMap((child, index) => refsOf(child, `${at}/${index}`));
  if (!isRecord(node)) return [];
  return Object.entries(node).flatMap(([key, child]) => (key === '$ref' && typeof child === 'string' ? [{ at, ref: child }] : refsOf(child, `${at}/${key}`)));
}

/** The value a local reference (`#/a/b`) points at. */
function resolve(document: JsonObject, ref: string): unknown {
  let current: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/')) current = isRecord(current) ? current[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  return current;
}

/** A validator for the schema at `pointer` of a description, its references resolved inside it. */
function validatorAt(document: JsonObject, pointer: string) {
  // The description is not itself a schema: ajv only needs it as the home of the components.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...document, $id: 'https://chatwire.test/spec.json' });
  return ajv.compile({ $ref: `https://chatwire.test/spec.json${pointer}` });
}

describe('chatwire spec: the checked-in descriptions', () => {
  it('has one file per protocol, in its transport’s format, as generated now (npm run specs rewrites them)', () => {
    const names = readdirSync(specsDir).sort();
    expect(names).toEqual(protocols.map((protocol) => `${protocol.id}.${generated.get(protocol.id)?.format ?? '?'}.json`).sort());
    for (const protocol of protocols) {
      const api = generated.get(protocol.id);
      expect(checkedIn(`${protocol.id}.${api?.format ?? '?'}.json`), `specs/${protocol.id} is stale: run npm run specs`).toEqual(api?.describe(files));
    }
  });

  it('gives every operation its document and section, and resolves every $ref inside the file', () => {
    for (const name of readdirSync(specsDir)) {
      const document = checkedIn(name);
      for (const { at, ref } of refsOf(document)) expect(resolve(document, ref), `${name}${at}: ${ref}`).toBeDefined();
      const operations = name.includes('openapi')
        ? Object.values(document['paths'] ?? {}).flatMap((path: unknown) => (isRecord(path) ? Object.values(path) : []))
        : Object.values(isRecord(document['operations']) ? document['operations'] : {});
      expect(operations.length).toBeGreaterThan(0);
      for (const operation of operations) expect(isRecord(operation) ? operation['description'] : undefined).toMatch(/Source: \d{3}_[0-9a-f]{16}\.txt, \S/);
    }
  });

  it.each(protocols.filter((protocol) => transportOf(protocol).api.format === 'openapi').map((protocol) => protocol.id))(
    '%s passes @readme/openapi-parser',
    async (id) => {
      const result = await validate(join(specsDir, `${id}.openapi.json`));
      expect(result.valid ? [] : result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
    },
  );

  it('pocketqa passes @asyncapi/parser with no error or warning', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(join(specsDir, 'pocketqa.asyncapi.json'), 'utf8'));
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) <= 1).map((diagnostic) => diagnostic.message)).toEqual([]);
    expect(
      document
        ?.operations()
        .all()
        .map((operation) => `${operation.action()} ${operation.id() ?? ''}`),
    ).toContain('send CHAT_CS');
    expect(
      document
        ?.operations()
        .all()
        .map((operation) => `${operation.action()} ${operation.id() ?? ''}`),
    ).toContain('receive CHAT_SS');
  }, 30_000);

  it('compiles every component schema, and its examples validate', () => {
    for (const name of readdirSync(specsDir)) {
      const document = checkedIn(name);
      const components = isRecord(document['components']) && isRecord(document['components']['schemas']) ? document['components']['schemas'] : {};
      for (const [component, schema] of Object.entries(components)) {
        const check = validatorAt(document, `#/components/schemas/${component}`);
        const examples = isRecord(schema) && isArray(schema['examples']) ? schema['examples'] : [];
        for (const example of examples) expect(check(example), `${name} ${component}: ${JSON.stringify(check.errors)}`).toBe(true);
      }
    }
  });
});

describe('chatwire spec: the document’s own examples meet the schema the description points at', () => {
  it('ctai: the example packet meets the stream’s contentSchema, and a numeric msg_sn does not', () => {
    const document = checkedIn('ctai.openapi.json');
    const stream = resolve(
      document,
      '#/paths/~1v1~1ctai~1query_text_chat/post/responses/200/content/text~1event-stream/x-itemSchema/properties/data/contentSchema',
    );
    const ref = isRecord(stream) && typeof stream['$ref'] === 'string' ? stream['$ref'] : '';
    const check = validatorAt(document, ref);
    // 002_cba551f1a5d093b7.txt, 应答示例 (the first packet, with the field table's optional fields).
    const packet = {
      ret: '0',
      msg: '',
      data: {
        msg_id: 'a0fb1c1e-0',
        msg_sn: '0',
        event: '',
        answer_text: '你',
        ref_doc_list: [],
        follow_up_list: [],
        illegal_status: '0',
        extend_info: { ialgo_extend_info: { return_type: 'doc', doc_score: [{ doc_id: 'd1', score: '1.233' }] } },
      },
    };
    expect(check(packet), JSON.stringify(check.errors)).toBe(true);
    expect(check({ ...packet, data: { ...packet.data, msg_sn: 0 } })).toBe(false);
  });

  it('pocketqa: the example CHAT_CS (object or JSON string) and CHAT_SS meet their message payloads', () => {
    const document = checkedIn('pocketqa.asyncapi.json');
    const request = validatorAt(document, '#/components/messages/CHAT_CS/payload');
    const answer = validatorAt(document, '#/components/messages/CHAT_SS/payload');
    // 001_6e6f726506b3aba0.txt, 监听事件(request) and 发送事件(response) examples.
    const question = { text: '身份证丢了应该怎么办?', room: '12345', dialogue: '67890', upload_id: '' };
    expect(request(question), JSON.stringify(request.errors)).toBe(true);
    expect(request(JSON.stringify(question))).toBe(true);
    expect(request({ room: '12345' })).toBe(false);
    const example = {
      data: {
        room: 'dDV49Eg3sxnyjZz4AAAR',
        received: {
          text: '身份证丢了应该怎么办',
          sid: 'dDV49Eg3sxnyjZz4AAAR',
          clue: { type: '知识库依据:', data: ['材料:特种设备作', '0.9247700572013855'] },
          alter: ['特种设备作业人员证丢失了怎么办'],
          history: [['你好', '您好,欢迎您直接问我业务问题。']],
        },
        delta: '根据《中华人民共和国身份证法》第二十五条规定……',
        finish_reason: 'stop',
      },
    };
    expect(answer(example), JSON.stringify(answer.errors)).toBe(true);
    expect(answer({ data: { ...example.data, delta: 42 } })).toBe(false);
  });
});
