import { Errors } from '../protocol/errors.js';

/** A decoded JSON request body (or a nested structure of one). */
type JsonObject = Record<string, unknown>;

interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
  /** Leave the value out of validation messages (SecretString, SecretBinary). */
  sensitive?: boolean;
  /** A pattern the whole value must match, and the model's spelling of it for the message. */
  pattern?: { regex: RegExp; text: string };
}

interface ListRules {
  required?: boolean;
  minItems?: number;
  maxItems?: number;
  itemMin?: number;
  itemMax?: number;
  itemPattern?: { regex: RegExp; text: string };
}

interface NumberRules {
  required?: boolean;
  min?: number;
  max?: number;
}

/** The service names members in validation messages in lowerCamelCase: `SecretId` -> `secretId`. */
function wireName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function lengthProblems(length: number, rules: { min?: number; max?: number }): string[] {
  const problems: string[] = [];
  if (rules.max !== undefined && length > rules.max)
    problems.push(`Member must have length less than or equal to ${rules.max}`);
  if (rules.min !== undefined && length < rules.min)
    problems.push(`Member must have length greater than or equal to ${rules.min}`);
  return problems;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads typed members out of a request and collects the model's validation failures the way the
 * service reports them: every failure in one `ValidationException`. A member of the wrong JSON type
 * is a `SerializationException` at once, as the service's deserializer fails before validation.
 */
class InputReader {
  private readonly problems: string[];

  constructor(
    private readonly input: JsonObject,
    private readonly path = '',
    problems?: string[],
  ) {
    this.problems = problems ?? [];
  }

  /** A reader for a nested structure whose problems join this reader's. */
  nested(value: JsonObject, path: string): InputReader {
    return new InputReader(value, path, this.problems);
  }

  private at(member: string): string {
    return `${this.path}${wireName(member)}`;
  }

  private typeError(member: string, expected: string): never {
    throw Errors.serialization(`Expected ${expected} for member ${this.path}${member}.`);
  }

  private missing(member: string): undefined {
    this.problems.push(
      `Value null at '${this.at(member)}' failed to satisfy constraint: Member must not be null`,
    );
    return undefined;
  }

  private present(member: string): unknown {
    const value = this.input[member];
    return value === null ? undefined : value;
  }

  string(member: string, rules: StringRules = {}): string | undefined {
    const value = this.present(member);
    if (value === undefined) return rules.required ? this.missing(member) : undefined;
    if (typeof value !== 'string') return this.typeError(member, 'a string');
    const shown = rules.sensitive ? 'Value' : `Value '${value}'`;
    const problems = lengthProblems(value.length, rules);
    if (rules.pattern && !rules.pattern.regex.test(value))
      problems.push(`Member must satisfy regular expression pattern: ${rules.pattern.text}`);
    for (const problem of problems)
      this.problems.push(`${shown} at '${this.at(member)}' failed to satisfy constraint: ${problem}`);
    return value;
  }

  /** A blob member: base64 on the wire, bytes here. */
  binary(member: string, rules: StringRules = {}): Buffer | undefined {
    const value = this.present(member);
    if (value === undefined) return rules.required ? this.missing(member) : undefined;
    if (typeof value !== 'string' || !BASE64.test(value)) return this.typeError(member, 'base64 text');
    const bytes = Buffer.from(value, 'base64');
    const shown = rules.sensitive ? 'Value' : `Value '${value}'`;
    for (const problem of lengthProblems(bytes.length, rules))
      this.problems.push(`${shown} at '${this.at(member)}' failed to satisfy constraint: ${problem}`);
    return bytes;
  }

  integer(member: string, rules: NumberRules = {}): number | undefined {
    const value = this.present(member);
    if (value === undefined) return rules.required ? this.missing(member) : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.typeError(member, 'an integer');
    if (rules.max !== undefined && value > rules.max)
      this.problems.push(
        `Value '${value}' at '${this.at(member)}' failed to satisfy constraint: Member must have value less than or equal to ${rules.max}`,
      );
    if (rules.min !== undefined && value < rules.min)
      this.problems.push(
        `Value '${value}' at '${this.at(member)}' failed to satisfy constraint: Member must have value greater than or equal to ${rules.min}`,
      );
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.present(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.typeError(member, 'a boolean');
    return value;
  }

  /** A string member whose value must be one of `allowed`. */
  oneOf<T extends string>(member: string, allowed: readonly T[]): T | undefined {
    const value = this.string(member);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value))
      this.problems.push(
        `Value '${value}' at '${this.at(member)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    return value as T;
  }

  stringList(member: string, rules: ListRules = {}): string[] | undefined {
    const value = this.present(member);
    if (value === undefined) return rules.required ? this.missing(member) : undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
      return this.typeError(member, 'a list of strings');
    const items = value as string[];
    const shown = `Value '[${items.join(', ')}]' at '${this.at(member)}' failed to satisfy constraint:`;
    for (const problem of lengthProblems(items.length, { min: rules.minItems, max: rules.maxItems }))
      this.problems.push(`${shown} ${problem}`);
    const itemProblems = new Set(
      items.flatMap((item) => [
        ...lengthProblems(item.length, { min: rules.itemMin, max: rules.itemMax }),
        ...(rules.itemPattern && !rules.itemPattern.regex.test(item)
          ? [`Member must satisfy regular expression pattern: ${rules.itemPattern.text}`]
          : []),
      ]),
    );
    if (itemProblems.size > 0)
      this.problems.push(`${shown} Member must satisfy constraint: [${[...itemProblems].join(', ')}]`);
    return items;
  }

  /** A list of structures; each item is handed to `read` with a reader whose path names the item. */
  structureList<T>(
    member: string,
    read: (item: InputReader) => T,
    rules: { required?: boolean; maxItems?: number; minItems?: number } = {},
  ): T[] | undefined {
    const value = this.present(member);
    if (value === undefined) return rules.required ? this.missing(member) : undefined;
    if (!Array.isArray(value) || value.some((item) => !isObject(item)))
      return this.typeError(member, 'a list of structures');
    const shown = `Value '[...]' at '${this.at(member)}' failed to satisfy constraint:`;
    for (const problem of lengthProblems(value.length, { min: rules.minItems, max: rules.maxItems }))
      this.problems.push(`${shown} ${problem}`);
    return (value as JsonObject[]).map((item, index) =>
      read(this.nested(item, `${this.at(member)}.${index + 1}.member.`)),
    );
  }

  structure<T>(member: string, read: (item: InputReader) => T): T | undefined {
    const value = this.present(member);
    if (value === undefined) return undefined;
    if (!isObject(value)) return this.typeError(member, 'a structure');
    return read(this.nested(value, `${this.at(member)}.`));
  }

  /** Throws the collected model violations, if any. Call once every member has been read. */
  done(): void {
    if (this.problems.length > 0) throw Errors.validation(this.problems);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { InputReader, isObject, wireName };
export type { JsonObject };
