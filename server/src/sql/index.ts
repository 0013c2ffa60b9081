// Public API of the SQL helpers; import from here.
export { tokenize, isSignificant, isWord, identifierOf, quoteIdent } from './lexer';
export type { Token, TokenKind } from './lexer';
export { outline, statementAt, tokenIndexAt } from './outline';
export type { SqlOutline, CteDefinition, StatementSpan } from './outline';
export { scopeAt, findRelation, dottedPrefixAt, cteSymbols } from './scope';
export type { SqlScope, RelationInScope, DottedPrefix, ClauseKind } from './scope';
export { wrapWithLimit, cteUnderCursor, selectionQuery, mapToSource } from './limit';
export type { PreviewSql, SourceSegment } from './limit';
export { bindModel } from './binder';
export { MAX_BIND_CHARS } from './binder';
export type { BindResult, BindOptions, ColumnInfo, UpstreamRelation, SqlError, SqlErrorKind } from './binder';
export { parseDuckDbError } from './errors';
export { createBindConnection } from './connection';
export type { BindConnection } from './connection';
export { selectItemsAt, cteSelectItems } from './selectList';
export type { SelectItem } from './selectList';
export { queryBlockAt } from './scope';
