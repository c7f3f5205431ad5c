// Reads pgtyped's output with the TypeScript compiler API: every exported
// `new PreparedQuery<Params, Result>(...)` and the fields of its two
// interfaces, each field's declared type turned into a TypeShape that
// test/helpers/value-checks.ts checks values against.

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import ts from 'typescript'

/** A declared TypeScript type, reduced to what pgtyped emits. */
export type TypeShape =
  | { kind: 'number' | 'string' | 'boolean' | 'null' | 'undefined' | 'Date' }
  | { kind: 'array', element: TypeShape }
  | { kind: 'union', members: TypeShape[] }
  /** An object type with one string index signature, `{ [key: string]: T }`. */
  | { kind: 'record', value: TypeShape }
  /** A type alias of the generated file, resolved on use because Json refers to itself. */
  | { kind: 'alias', name: string, resolve: () => TypeShape }

export interface DeclaredField {
  name: string
  /** Declared with `?`, so the key may be absent. */
  optional: boolean
  shape: TypeShape
}

export interface GeneratedQuery {
  /** Name of the exported PreparedQuery, as in `@name`. */
  name: string
  /** Path of the generated file, relative to the folder read. */
  file: string
  params: DeclaredField[]
  result: DeclaredField[]
}

const KEYWORD_SHAPES = new Map<ts.SyntaxKind, TypeShape>([
  [ts.SyntaxKind.NumberKeyword, { kind: 'number' }],
  [ts.SyntaxKind.StringKeyword, { kind: 'string' }],
  [ts.SyntaxKind.BooleanKeyword, { kind: 'boolean' }],
  [ts.SyntaxKind.UndefinedKeyword, { kind: 'undefined' }],
  // `void` appears only in pgtyped's optional parameters, where it means undefined.
  [ts.SyntaxKind.VoidKeyword, { kind: 'undefined' }]
])

/** Declarations of one generated file that type nodes refer to. */
class GeneratedFile {
  readonly aliases = new Map<string, ts.TypeNode>()
  readonly interfaces = new Map<string, ts.InterfaceDeclaration>()

  constructor (readonly path: string, readonly source: ts.SourceFile) {
    for (const statement of source.statements) {
      if (ts.isTypeAliasDeclaration(statement)) {
        this.aliases.set(statement.name.text, statement.type)
      } else if (ts.isInterfaceDeclaration(statement)) {
        this.interfaces.set(statement.name.text, statement)
      }
    }
  }

  unsupported (node: ts.Node): Error {
    const text = node.getText(this.source)
    const fix = 'Extend test/helpers/generated-types.ts to read it.'
    return new Error(`${this.path}: unsupported type syntax \`${text}\`. ${fix}`)
  }

  /** Converts a type node into a TypeShape. */
  shapeOf (node: ts.TypeNode): TypeShape {
    const keyword = KEYWORD_SHAPES.get(node.kind)
    if (keyword !== undefined) {
      return keyword
    }
    if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) {
      return { kind: 'null' }
    }
    if (ts.isParenthesizedTypeNode(node)) {
      return this.shapeOf(node.type)
    }
    if (ts.isArrayTypeNode(node)) {
      return { kind: 'array', element: this.shapeOf(node.elementType) }
    }
    if (ts.isUnionTypeNode(node)) {
      return { kind: 'union', members: node.types.map((member) => this.shapeOf(member)) }
    }
    if (ts.isTypeLiteralNode(node)) {
      return this.recordShape(node)
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeArguments === undefined) {
      return this.referenceShape(node.typeName.text, node)
    }
    throw this.unsupported(node)
  }

  private recordShape (node: ts.TypeLiteralNode): TypeShape {
    const [member, ...others] = node.members
    if (member === undefined || others.length > 0 || !ts.isIndexSignatureDeclaration(member)) {
      throw this.unsupported(node)
    }
    const keyType = member.parameters[0]?.type
    if (keyType?.kind !== ts.SyntaxKind.StringKeyword) {
      throw this.unsupported(node)
    }
    return { kind: 'record', value: this.shapeOf(member.type) }
  }

  private referenceShape (name: string, node: ts.TypeNode): TypeShape {
    if (name === 'Date') {
      return { kind: 'Date' }
    }
    const aliased = this.aliases.get(name)
    if (aliased === undefined) {
      throw this.unsupported(node)
    }
    let resolved: TypeShape | undefined
    return { kind: 'alias', name, resolve: () => (resolved ??= this.shapeOf(aliased)) }
  }

  /** Reads the properties of an interface declared in this file. */
  fieldsOf (name: string): DeclaredField[] {
    const declaration = this.interfaces.get(name)
    if (declaration === undefined) {
      throw new Error(`${this.path}: interface ${name} is not declared`)
    }
    return declaration.members.map((member) => {
      if (!ts.isPropertySignature(member) || member.type === undefined ||
        !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) {
        throw this.unsupported(member)
      }
      return { name: member.name.text, optional: member.questionToken !== undefined, shape: this.shapeOf(member.type) }
    })
  }

  /** Finds `export const name = new PreparedQuery<Params, Result>(...)` statements. */
  queries (file: string): GeneratedQuery[] {
    const queries: GeneratedQuery[] = []
    for (const statement of this.source.statements) {
      const exported = ts.isVariableStatement(statement) &&
        statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) === true
      if (!exported) {
        continue
      }
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer
        const isPreparedQuery = initializer !== undefined && ts.isNewExpression(initializer) &&
          initializer.expression.getText(this.source) === 'PreparedQuery'
        if (!isPreparedQuery) {
          continue
        }
        const [params, result] = (initializer.typeArguments ?? []).map((node) => node.getText(this.source))
        if (params === undefined || result === undefined || !ts.isIdentifier(declaration.name)) {
          throw this.unsupported(declaration)
        }
        queries.push({
          name: declaration.name.text,
          file,
          params: this.fieldsOf(params),
          result: this.fieldsOf(result)
        })
      }
    }
    return queries
  }
}

/** Reads every `*.queries.ts` file in `dir` and returns its exported queries. */
export async function readGeneratedQueries (dir: string): Promise<GeneratedQuery[]> {
  const queries: GeneratedQuery[] = []
  const files = (await readdir(dir)).filter((name) => name.endsWith('.queries.ts')).sort()
  for (const file of files) {
    const path = join(dir, file)
    const source = ts.createSourceFile(path, await readFile(path, 'utf8'), ts.ScriptTarget.Latest, true)
    queries.push(...new GeneratedFile(path, source).queries(file))
  }
  return queries
}

/** Writes a shape as TypeScript, expanding every alias except Json, which refers to itself. */
export function describeShape (shape: TypeShape): string {
  switch (shape.kind) {
    case 'array': {
      const element = describeShape(shape.element)
      return shape.element.kind === 'union' ? `(${element})[]` : `${element}[]`
    }
    case 'union':
      return shape.members.map(describeShape).join(' | ')
    case 'record':
      return `{ [key: string]: ${describeShape(shape.value)} }`
    case 'alias':
      return shape.name === 'Json' ? 'Json' : describeShape(shape.resolve())
    case 'boolean':
    case 'Date':
    case 'null':
    case 'number':
    case 'string':
    case 'undefined':
      return shape.kind
  }
}

/** Removes the `null` and `undefined` members of a union. */
export function withoutNull (shape: TypeShape): TypeShape {
  if (shape.kind === 'union') {
    const members = shape.members.filter((member) => member.kind !== 'null' && member.kind !== 'undefined')
    return members.length === 1 && members[0] !== undefined ? members[0] : { kind: 'union', members }
  }
  return shape
}
