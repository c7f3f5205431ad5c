/** Types generated for queries found in "queries/authors.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'CreateAuthor' parameters type */
export interface ICreateAuthorParams {
  bio: string;
  name: string;
}

/** 'CreateAuthor' return type */
export interface ICreateAuthorResult {
  /** Free-text biography, up to 10000 characters. */
  bio: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** Display name, 1 to 32 characters. */
  name: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'CreateAuthor' query type */
export interface ICreateAuthorQuery {
  params: ICreateAuthorParams;
  result: ICreateAuthorResult;
}

const createAuthorIR: any = {"usedParamSet":{"name":true,"bio":true},"params":[{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":40,"b":45}]},{"name":"bio","required":true,"transform":{"type":"scalar"},"locs":[{"a":48,"b":52}]}],"statement":"INSERT INTO authors (name, bio)\nVALUES (:name!, :bio!)\nRETURNING id, name, bio, created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO authors (name, bio)
 * VALUES (:name!, :bio!)
 * RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const createAuthor = new PreparedQuery<ICreateAuthorParams,ICreateAuthorResult>(createAuthorIR);


/** 'GetAuthor' parameters type */
export interface IGetAuthorParams {
  id: number;
}

/** 'GetAuthor' return type */
export interface IGetAuthorResult {
  /** Free-text biography, up to 10000 characters. */
  bio: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** Display name, 1 to 32 characters. */
  name: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'GetAuthor' query type */
export interface IGetAuthorQuery {
  params: IGetAuthorParams;
  result: IGetAuthorResult;
}

const getAuthorIR: any = {"usedParamSet":{"id":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":99,"b":102}]}],"statement":"SELECT id, name, bio, created_at AS \"createdAt\", updated_at AS \"updatedAt\"\nFROM authors\nWHERE id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
 * FROM authors
 * WHERE id = :id!
 * ```
 */
export const getAuthor = new PreparedQuery<IGetAuthorParams,IGetAuthorResult>(getAuthorIR);


/** 'ReplaceAuthor' parameters type */
export interface IReplaceAuthorParams {
  bio: string;
  id: number;
  name: string;
}

/** 'ReplaceAuthor' return type */
export interface IReplaceAuthorResult {
  /** Free-text biography, up to 10000 characters. */
  bio: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** Display name, 1 to 32 characters. */
  name: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'ReplaceAuthor' query type */
export interface IReplaceAuthorQuery {
  params: IReplaceAuthorParams;
  result: IReplaceAuthorResult;
}

const replaceAuthorIR: any = {"usedParamSet":{"name":true,"bio":true,"id":true},"params":[{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":26,"b":31}]},{"name":"bio","required":true,"transform":{"type":"scalar"},"locs":[{"a":40,"b":44}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":57,"b":60}]}],"statement":"UPDATE authors\nSET name = :name!, bio = :bio!\nWHERE id = :id!\nRETURNING id, name, bio, created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * UPDATE authors
 * SET name = :name!, bio = :bio!
 * WHERE id = :id!
 * RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const replaceAuthor = new PreparedQuery<IReplaceAuthorParams,IReplaceAuthorResult>(replaceAuthorIR);


/** 'UpdateAuthor' parameters type */
export interface IUpdateAuthorParams {
  bio?: string | null | void;
  id: number;
  name?: string | null | void;
}

/** 'UpdateAuthor' return type */
export interface IUpdateAuthorResult {
  /** Free-text biography, up to 10000 characters. */
  bio: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** Display name, 1 to 32 characters. */
  name: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'UpdateAuthor' query type */
export interface IUpdateAuthorQuery {
  params: IUpdateAuthorParams;
  result: IUpdateAuthorResult;
}

const updateAuthorIR: any = {"usedParamSet":{"name":true,"bio":true,"id":true},"params":[{"name":"name","required":false,"transform":{"type":"scalar"},"locs":[{"a":98,"b":102}]},{"name":"bio","required":false,"transform":{"type":"scalar"},"locs":[{"a":129,"b":132}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":151,"b":154}]}],"statement":"UPDATE authors\nSET\n  -- A null or absent parameter leaves its column unchanged.\n  name = COALESCE(:name, name),\n  bio = COALESCE(:bio, bio)\nWHERE id = :id!\nRETURNING id, name, bio, created_at AS \"createdAt\", updated_at AS \"updatedAt\""};

/**
 * Query generated from SQL:
 * ```
 * UPDATE authors
 * SET
 *   -- A null or absent parameter leaves its column unchanged.
 *   name = COALESCE(:name, name),
 *   bio = COALESCE(:bio, bio)
 * WHERE id = :id!
 * RETURNING id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
 * ```
 */
export const updateAuthor = new PreparedQuery<IUpdateAuthorParams,IUpdateAuthorResult>(updateAuthorIR);


/** 'DeleteAuthor' parameters type */
export interface IDeleteAuthorParams {
  id: number;
}

/** 'DeleteAuthor' return type */
export interface IDeleteAuthorResult {
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
}

/** 'DeleteAuthor' query type */
export interface IDeleteAuthorQuery {
  params: IDeleteAuthorParams;
  result: IDeleteAuthorResult;
}

const deleteAuthorIR: any = {"usedParamSet":{"id":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":31,"b":34}]}],"statement":"DELETE FROM authors\nWHERE id = :id!\nRETURNING id"};

/**
 * Query generated from SQL:
 * ```
 * DELETE FROM authors
 * WHERE id = :id!
 * RETURNING id
 * ```
 */
export const deleteAuthor = new PreparedQuery<IDeleteAuthorParams,IDeleteAuthorResult>(deleteAuthorIR);


/** 'ListAuthors' parameters type */
export interface IListAuthorsParams {
  afterId?: number | null | void;
  afterName?: string | null | void;
  limit: number;
}

/** 'ListAuthors' return type */
export interface IListAuthorsResult {
  /** Free-text biography, up to 10000 characters. */
  bio: string;
  /** When the row was inserted. */
  createdAt: Date;
  /** Identity, capped at 2^53 - 1 so it is exact in JavaScript. */
  id: number;
  /** Display name, 1 to 32 characters. */
  name: string;
  /** When the row was last changed. */
  updatedAt: Date;
}

/** 'ListAuthors' query type */
export interface IListAuthorsQuery {
  params: IListAuthorsParams;
  result: IListAuthorsResult;
}

const listAuthorsIR: any = {"usedParamSet":{"afterId":true,"afterName":true,"limit":true},"params":[{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":239,"b":246},{"a":293,"b":300}]},{"name":"afterName","required":false,"transform":{"type":"scalar"},"locs":[{"a":281,"b":290}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":327,"b":333}]}],"statement":"-- Keyset pagination ordered by (name, id). Pass afterName and afterId from\n-- the last row of the previous page, or neither for the first page.\nSELECT id, name, bio, created_at AS \"createdAt\", updated_at AS \"updatedAt\"\nFROM authors\nWHERE :afterId::bigint IS NULL OR (name, id) > (:afterName, :afterId)\nORDER BY name, id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * -- Keyset pagination ordered by (name, id). Pass afterName and afterId from
 * -- the last row of the previous page, or neither for the first page.
 * SELECT id, name, bio, created_at AS "createdAt", updated_at AS "updatedAt"
 * FROM authors
 * WHERE :afterId::bigint IS NULL OR (name, id) > (:afterName, :afterId)
 * ORDER BY name, id
 * LIMIT :limit!
 * ```
 */
export const listAuthors = new PreparedQuery<IListAuthorsParams,IListAuthorsResult>(listAuthorsIR);


