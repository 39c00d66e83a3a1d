// Generated from the API's OpenAPI document (GET /docs/json) by openapi-typescript.
// Do not edit: run `npm run generate -w @darkroom/client` after changing the API.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            checks: {
                                [key: string]: "ok" | "down";
                            };
                            /**
                             * @description The workers' scanners (clamd, the classifier): `down` when a live worker says one is, `off` when none runs one
                             * @enum {string}
                             */
                            scanner: "up" | "down" | "off";
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start an upload: returns presigned URLs to send the bytes straight to the bucket
         * @description With an upload token: within its limits, with its preset and metadata (the body may name the same preset, and add metadata only under `metadata.client`); past its maxUploads, 429 rate_limited.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filename: string;
                        contentType: string;
                        size: number;
                        preset?: string;
                        /** @description Client JSON, at most 4 KiB */
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /** @description Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre */
                        focus?: components["schemas"]["FocusInput"] | null;
                        /** @description Displayed pixels (whole, at least 16×16, within the image) every variant and delivery is cut from; null: the whole image */
                        crop?: components["schemas"]["CropInput"] | null;
                        /**
                         * @description Absent: the upload token's, else the tenant's defaultVisibility, else the deployment's DEFAULT_VISIBILITY
                         * @enum {string}
                         */
                        visibility?: "public" | "private";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            asset: components["schemas"]["Asset"];
                            upload: {
                                /** @enum {string} */
                                method: "PUT";
                                url: string;
                                headers: {
                                    [key: string]: string;
                                };
                                expiresAt: string;
                            } | {
                                /** @enum {string} */
                                method: "MULTIPART";
                                /** @description Part n holds the bytes from (n - 1) × partSize */
                                partSize: number;
                                parts: {
                                    partNumber: number;
                                    /** @description The bytes of this part: partSize, but the last part holds the rest */
                                    size: number;
                                    url: string;
                                }[];
                                expiresAt: string;
                            };
                            /** @description When the upload expires unless it is completed (UPLOAD_TTL); a resume may continue it until then */
                            uploadExpiresAt: string;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What this caller's uploads may be, and how the API lays them out (PUT or multipart, the part size)
         * @description For a client that decides before it starts an upload, as Uppy does: the same limits and layout POST /v1/uploads applies (with an upload token, narrowed to its own). The start of each upload states its own layout too.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadRules"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{assetId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm an upload and queue its processing (idempotent) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        parts?: {
                            partNumber: number;
                            etag: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            asset: components["schemas"]["Asset"];
                            job: components["schemas"]["Job"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{assetId}/abort": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an upload still awaiting its bytes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Asset"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{assetId}/parts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resume a multipart upload: the parts the bucket holds, and fresh URLs for the missing ones
         * @description Only for a multipart upload still awaiting_upload; any other state, or a PUT upload, is 409 invalid_state. 409 upload_missing when the bucket no longer holds the upload.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            partSize: number;
                            uploaded: {
                                partNumber: number;
                                /** @description As the bucket gave it, quotes included: send it back to complete */
                                etag: string;
                                size: number;
                            }[];
                            parts: {
                                partNumber: number;
                                /** @description The bytes of this part: partSize, but the last part holds the rest */
                                size: number;
                                url: string;
                            }[];
                            /** @description When the URLs in parts expire */
                            expiresAt: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{assetId}/sign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign listing or completing a multipart upload's parts in the bucket, for a client that does it itself (Uppy 6)
         * @description Only for a multipart upload still awaiting_upload; any other state, or a PUT upload, is 409 invalid_state. The URL names that upload alone; complete is still what checks and queues the file.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description The S3 request on the bucket's multipart upload to sign
                         * @enum {string}
                         */
                        operation: "ListParts" | "CompleteMultipartUpload";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            method: "GET" | "POST";
                            url: string;
                            expiresAt: string;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{assetId}/url": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restart a PUT upload: a fresh URL to send the whole file again
         * @description Only for a PUT upload still awaiting_upload; any other state, or a multipart upload, is 409 invalid_state.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    assetId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            upload: {
                                /** @enum {string} */
                                method: "PUT";
                                url: string;
                                headers: {
                                    [key: string]: string;
                                };
                                expiresAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/upload-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a browser upload token (shown once): the browser uploads with it, never with the tenant's key
         * @description The token narrows the tenant: a wider maxUploadBytes or a type the tenant does not accept is 400 invalid_request; an unknown preset is 404 preset_not_found. It is revoked when its tenant has no unrevoked key left, or is deleted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Absent: every default */
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Seconds until the token expires
                         * @default 3600
                         */
                        expiresIn?: number;
                        /**
                         * @description Uploads the token may start, in all
                         * @default 10
                         */
                        maxUploads?: number;
                        /** @description Largest upload; at most the tenant's own limit */
                        maxUploadBytes?: number;
                        /** @description Types the token may upload; each one the tenant accepts */
                        acceptedContentTypes?: string[];
                        /** @description The preset of every upload the token starts; absent: the tenant's default */
                        preset?: string;
                        /** @description Set on every upload the token starts (at most 4 KiB as JSON; "client" is left to the browser) */
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /**
                         * @description The visibility of every upload the token starts; absent: the tenant's default when each starts
                         * @enum {string}
                         */
                        visibility?: "public" | "private";
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadToken"];
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Assets, newest first (keyset pagination) */
        get: {
            parameters: {
                query?: {
                    status?: "awaiting_upload" | "queued" | "processing" | "held" | "ready" | "failed" | "rejected" | "canceled" | "expired";
                    limit?: number;
                    cursor?: string;
                    /** @description Seconds a private asset's URLs in this answer live (rounded up to the next 5 minutes); absent: PRIVATE_URL_TTL */
                    urlTtl?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Asset"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/assets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One asset, with its variants once ready */
        get: {
            parameters: {
                query?: {
                    /** @description Seconds a private asset's URLs in this answer live (rounded up to the next 5 minutes); absent: PRIVATE_URL_TTL */
                    urlTtl?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Asset"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete the original, every variant, then the asset */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * A ready image's focus and crop (revision + 1, its eager variants rendered again), a ready asset's faces, or its visibility
         * @description Fields left out stay as they are; null clears one. Out of bounds, or a crop under 16×16: 400 invalid_request. A video, or an image not ready: 409 invalid_state. An upload token reaches only the assets it started. `visibility` goes in a PATCH of its own (with focus, crop or faces: 400 invalid_request), with a tenant API key (an upload token: 403 forbidden), on a ready asset (else 409 invalid_state); the objects move afterwards and `asset.updated` says when. `faces` replaces the faces of a ready asset (any kind; else 409 invalid_state) with a tenant API key (an upload token: 403 forbidden): revision + 1 as a focus change; the eager variants are rendered again only where the tenant enforces face redaction.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre */
                        focus?: components["schemas"]["FocusInput"] | null;
                        /** @description Displayed pixels (whole, at least 16×16, within the image) every variant and delivery is cut from; null: the whole image */
                        crop?: components["schemas"]["CropInput"] | null;
                        /** @description Faces marked by hand, replacing those found or marked before (at most 100; stored largest first): each 0..1 of the displayed image (the whole of it, not the crop), inside it, of positive size, `score` 1 unless given; [] for none; null: not known (an image's are searched again by the faces backfill) */
                        faces?: {
                            x: number;
                            y: number;
                            width: number;
                            height: number;
                            /** @default 1 */
                            score?: number;
                        }[] | null;
                        /**
                         * @description `private`: from this answer on, only private URLs; the public delivery routes answer for it as for an unknown id at once while Redis carries the change, else within 5 s; its objects leave the public bucket within 60 s (of the end of a render of the asset under way, if any)
                         * @enum {string}
                         */
                        visibility?: "public" | "private";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Asset"];
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/assets/{id}/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Jobs of one asset, newest first (the newest 100) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Job"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Job"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling key's tenant and its settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tenant: components["schemas"]["Tenant"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/delivery-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a new delivery signing key (shown once); the previous one keeps verifying for 24 hours, unless revoked */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Absent: the previous key keeps verifying for 24 hours */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description true: the key in force until now stops verifying at once (every delivery process refuses its URLs within 5 s) */
                        revokePrevious?: boolean;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description `dsk_…`: HMAC-SHA256 key for signed delivery URLs (docs/api.md#delivery) */
                            key: string;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's events, oldest first after `after`: a feed to catch up from after downtime */
        get: {
            parameters: {
                query?: {
                    /** @description An event id: only later events */
                    after?: string;
                    /** @description Comma-separated event types */
                    type?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Event"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/presets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The presets this tenant can use: the global ones and its own (which shadow globals of the same name) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Preset"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/presets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Create or replace one of the tenant's own presets */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        variants: ({
                            name: string;
                            /** @enum {string} */
                            fit: "cover" | "inside";
                            width: number;
                            height: number;
                            /** @description 1..100, or `auto` (= `auto-good`), `auto-eco`, `auto-best`: the lowest quality within the level's perceptual distance, per image */
                            quality: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
                            /** @enum {string} */
                            format: "webp" | "avif" | "jpeg" | "png";
                        } | {
                            name: string;
                            /** @enum {string} */
                            fit: "cover" | "inside";
                            width: number;
                            height: number;
                            quality: number;
                            /** @enum {string} */
                            format: "mp4" | "webm";
                            /** @description Seconds from the start: a preview clip */
                            maxDuration?: number;
                            /** @description `false`: the rendition has no sound */
                            audio?: boolean;
                        } | {
                            name: string;
                            /** @enum {string} */
                            format: "hls";
                            width: number;
                            height: number;
                            /** @default 70 */
                            quality?: number;
                            /** @description Target length of a segment in seconds (default 4) */
                            segmentSeconds?: number;
                            /** @description `false`: the ladder has no sound */
                            audio?: boolean;
                        } | {
                            name: string;
                            /** @enum {string} */
                            format: "storyboard";
                            /**
                             * @description Of one tile, in pixels
                             * @default 160
                             */
                            width?: number;
                        } | {
                            name: string;
                            /** @enum {string} */
                            format: "m4a" | "mp3" | "opus";
                            /** @description kbit/s */
                            bitrate?: number;
                            /** @description LUFS, integrated: the rendition is normalised to it (two-pass, true peak ≤ -1 dBTP) */
                            loudness?: number;
                        } | {
                            name: string;
                            /** @enum {string} */
                            format: "waveform";
                            /** @description Peaks per second (default 10) */
                            points?: number;
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            preset: components["schemas"]["Preset"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Delete one of the tenant's own presets (assets keep the variants they have) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/presets/{name}/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-render the stale variants of the tenant's ready assets of a preset, on the backfill lane */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default false */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Ready assets of the preset with a stale variant */
                            matched: number;
                            /** @description Jobs queued now; the rest follow as the backfill lane drains (BACKFILL_WINDOW) */
                            queued: number;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/assets/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live status of one asset (Server-Sent Events): the asset now, then each of its events as it happens */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description First `event: asset.snapshot` with the Asset as `GET /v1/assets/:id` shows it, then per event of the asset `id:` the event id, `event:` its type, `data:` the Event; a comment line every 15 s. Ends after `asset.deleted`. While a video renders: `event: asset.progress` without an `id:`, `data:` a ProgressEvent `{ "type": "asset.progress", "createdAt", "data": { "assetId", "jobId", "progress" } }` (0..1, at most once a second per asset, never backwards). It is live only: not in `GET /v1/events`, not replayed after `Last-Event-ID`, not sent to webhooks. */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every event of the tenant as it happens (Server-Sent Events); `Last-Event-ID` first replays what a client missed */
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The id of the last event received: the stream first replays every later one */
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Per event: `id:` the event id, `event:` its type, `data:` the Event as `GET /v1/events` shows it; a comment line every 15 s. While a video renders: `event: asset.progress` without an `id:`, `data:` a ProgressEvent `{ "type": "asset.progress", "createdAt", "data": { "assetId", "jobId", "progress" } }` (0..1, at most once a second per asset, never backwards). It is live only: not in `GET /v1/events`, not replayed after `Last-Event-ID`, not sent to webhooks. */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's webhooks */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Webhook"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a webhook (Standard Webhooks); its signing secret is shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description https:// on a public address (checked again at every connection) */
                        url: string;
                        /** @description Event types to receive; every type when absent */
                        events?: ("asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached")[];
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhook: components["schemas"]["Webhook"];
                            /** @description whsec_ and 32 random bytes in base64: shown once, never again */
                            secret: string;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a webhook and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a webhook; disabling it ends its pending deliveries */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description https:// on a public address (checked again at every connection) */
                        url?: string;
                        events?: ("asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached")[];
                        enabled?: boolean;
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhook: components["schemas"]["Webhook"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret; for 24 h deliveries are signed by the old one too */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description whsec_ and 32 random bytes in base64: shown once, never again */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook's delivery log: one row per attempt, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookDeliveryAttempt"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send an event again now: to one webhook, or to every enabled webhook that takes its type */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        webhookId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The webhooks it is being sent to */
                            webhookIds: string[];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's imports, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Import"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Import a library: a bucket of its own or a list of URLs, checked like uploads, never twice
         * @description The one route that takes a body up to 16 MiB. A bucket source's keys are used by this import only: stored sealed, never returned, deleted when it ends.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        source: {
                            /** @enum {string} */
                            type: "urls";
                            /** @description 1..10000 items */
                            items: {
                                /** @description An absolute http or https URL, at most 8192 bytes */
                                url: string;
                                /** @description The asset's filename, checked as an upload's; else the URL path's last segment */
                                filename?: string;
                                /** @description The item's identity: importing it again makes no new asset */
                                externalId?: string;
                                metadata?: {
                                    [key: string]: unknown;
                                };
                            }[];
                        } | {
                            /** @enum {string} */
                            type: "bucket";
                            /** @description The source's S3 endpoint; the deployment's own S3_ENDPOINT when absent */
                            endpoint?: string;
                            /** @description Letters, digits, hyphens and underscores: us-east-1, us-west-004, auto */
                            region: string;
                            bucket: string;
                            prefix?: string;
                            /** @description Printable ASCII without spaces, as S3 servers issue key IDs */
                            accessKeyId: string;
                            /** @description Used by this import only: stored sealed, never returned, deleted when it ends */
                            secretAccessKey: string;
                        };
                        preset?: string;
                        /** @enum {string} */
                        visibility?: "public" | "private";
                        /** @description Every item's metadata, under each item's own */
                        metadata?: {
                            [key: string]: unknown;
                        };
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            import: components["schemas"]["Import"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import: its status and counts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            import: components["schemas"]["Import"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import's items in their order, of one outcome or all: every failure with a sentence a person can act on */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    status?: "imported" | "skipped" | "failed";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ImportItem"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause an import where it is */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            import: components["schemas"]["Import"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused import where it was */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            import: components["schemas"]["Import"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/imports/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an import; what it imported stays */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            import: components["schemas"]["Import"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/assets/{id}/moderation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or reject a held asset, or take a ready one down
         * @description A held asset can be approved or rejected, a ready one rejected (a takedown: the public and `/img/` routes answer as for no asset at once, its objects leave the public bucket within 60 s); anything else, a second approve included: 409 invalid_state. `block` with `reject` adds the asset's perceptual hashes to the tenant's blocklist (none taken yet: 409 invalid_state; the list full: 409 invalid_state). A hold that names an entry of the deployment's blocklist is decided by an admin only (403 forbidden); an upload token: 403 forbidden.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ModerationDecisionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Asset"];
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blocklist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's blocklist, oldest first (keyset pagination) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["BlocklistEntry"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a perceptual hash, or an asset's hashes, to the tenant's blocklist
         * @description `{ hash }` (`phash:` and 16 hex digits) or `{ assetId }` (one of the tenant's assets; to block a file, upload it private and post its id; no hashes yet: 409 invalid_state). At most BLOCKLIST_MAX_ENTRIES entries per list (409 invalid_state past it).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        hash: string;
                        reason?: string;
                    } | {
                        assetId: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The entries of the hashes posted: one for a hash, one per perceptual hash of an asset (an entry the list had already, as it was) */
                            items: components["schemas"]["BlocklistEntry"][];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/blocklist/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an entry of the tenant's blocklist */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's usage by hour, day or month: every meter asked, for every period of the range */
        get: {
            parameters: {
                query: {
                    /** @description The first period, its start: `2026-11-01`, `2026-11-05T14:00:00Z` (UTC, or with an offset) */
                    from: string;
                    /** @description The end of the range (exclusive), at the start of a period */
                    to: string;
                    /** @description Hours (at most 31 days), days or calendar months (at most 2 years); UTC */
                    granularity?: "hour" | "day" | "month";
                    /** @description Comma-separated meters; every meter when absent */
                    meters?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageReport"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route. */
                429: {
                    headers: {
                        /** @description Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own). */
                        "RateLimit-Limit"?: number;
                        /** @description Requests left to this key in the current window. */
                        "RateLimit-Remaining"?: number;
                        /** @description Seconds until the current window ends. */
                        "RateLimit-Reset"?: number;
                        /** @description Seconds until the key may try again. */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a tenant and its first API key (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description Types this tenant may upload; null: the deployment default */
                        acceptedContentTypes?: ("image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/avif" | "image/tiff" | "image/heic" | "image/heif" | "video/mp4" | "video/quicktime" | "video/webm" | "audio/mpeg" | "audio/mp4" | "audio/x-m4a" | "audio/aac" | "audio/wav" | "audio/flac" | "audio/ogg")[] | null;
                        /** @description Largest upload in bytes; null: the deployment default */
                        maxUploadBytes?: number | null;
                        /** @description A preset name; null: "default" */
                        defaultPreset?: string | null;
                        /** @description Null: the deployment default */
                        rateLimitPerMinute?: number | null;
                        /**
                         * @description An upload's visibility when it names none; null: the deployment default
                         * @enum {string|null}
                         */
                        defaultVisibility?: "public" | "private" | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tenant: components["schemas"]["Tenant"];
                            apiKey: string;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant and its settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tenant: components["schemas"]["Tenant"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a tenant's name or settings; they apply from its next request, on every API process */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @description Types this tenant may upload; null: the deployment default */
                        acceptedContentTypes?: ("image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/avif" | "image/tiff" | "image/heic" | "image/heif" | "video/mp4" | "video/quicktime" | "video/webm" | "audio/mpeg" | "audio/mp4" | "audio/x-m4a" | "audio/aac" | "audio/wav" | "audio/flac" | "audio/ogg")[] | null;
                        /** @description Largest upload in bytes; null: the deployment default */
                        maxUploadBytes?: number | null;
                        /** @description A preset name; null: "default" */
                        defaultPreset?: string | null;
                        /** @description Null: the deployment default */
                        rateLimitPerMinute?: number | null;
                        /**
                         * @description An upload's visibility when it names none; null: the deployment default
                         * @enum {string|null}
                         */
                        defaultVisibility?: "public" | "private" | null;
                        /** @description Merged into the delivery policy: the fields named change, the rest stay */
                        delivery?: {
                            /** @description The `w` an unsigned URL may ask for */
                            widths?: number[];
                            /** @description The `q` an unsigned URL may ask for (none given: `quality`) */
                            qualities?: (number | ("auto" | "auto-eco" | "auto-good" | "auto-best"))[];
                            /** @description "W:H": an unsigned URL's `h` must be round(w × H / W) for one of them */
                            aspectRatios?: string[];
                            /** @description Whether `f_auto` may choose AVIF */
                            avif?: boolean;
                            /** @description The quality of a URL with no `q` */
                            quality?: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
                            /** @description Renders a minute before `429` (cache hits never count); null: the deployment's DELIVERY_RENDERS_PER_MINUTE */
                            rendersPerMinute?: number | null;
                            /** @description Whether an unsigned URL may ask for `z_` and the `e_` face effects (`g_face`/`g_faces` always may) */
                            unsignedEffects?: boolean;
                            /**
                             * @description Every image render, signed or not, and every eager image variant (video posters and cover art too; not video renditions) covers the known faces so (`blur` or `pixelate`); null: only where a URL asks. A change queues a `face-redaction` backfill of the assets with faces: their image variants re-rendered, their unredacted `/img/` renders deleted, and an `asset.updated` with `purge` each
                             * @enum {string|null}
                             */
                            enforceFaceRedaction?: "blur" | "pixelate" | null;
                        };
                        /** @description Merged into the quotas: each named changes (a positive integer; null: unlimited), the rest stay. A quota set anew counts what its period has used so far */
                        quotas?: components["schemas"]["TenantQuotasInput"];
                        /** @description Merged into the moderation policy: the fields named change (null: back to the deployment's default), the rest stay; null: every field back to its default */
                        moderation?: components["schemas"]["ModerationPolicyInput"] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tenant: components["schemas"]["Tenant"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/admin/tenants/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create another API key for a tenant (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            apiKey: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{id}/upload-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a browser upload token for a tenant (shown once); its requests count against the tenant's limit apart from its keys
         * @description The token narrows the tenant: a wider maxUploadBytes or a type the tenant does not accept is 400 invalid_request; an unknown preset is 404 preset_not_found. It is revoked when its tenant has no unrevoked key left, or is deleted. 404 not_found: no such tenant.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description Absent: every default */
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Seconds until the token expires
                         * @default 3600
                         */
                        expiresIn?: number;
                        /**
                         * @description Uploads the token may start, in all
                         * @default 10
                         */
                        maxUploads?: number;
                        /** @description Largest upload; at most the tenant's own limit */
                        maxUploadBytes?: number;
                        /** @description Types the token may upload; each one the tenant accepts */
                        acceptedContentTypes?: string[];
                        /** @description The preset of every upload the token starts; absent: the tenant's default */
                        preset?: string;
                        /** @description Set on every upload the token starts (at most 4 KiB as JSON; "client" is left to the browser) */
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /**
                         * @description The visibility of every upload the token starts; absent: the tenant's default when each starts
                         * @enum {string}
                         */
                        visibility?: "public" | "private";
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadToken"];
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an admin key (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            apiKey: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key: requests with it get 401 from now on */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Jobs across tenants, newest first, filtered by state, tenant, error code and time */
        get: {
            parameters: {
                query?: {
                    state?: "queued" | "active" | "completed" | "failed";
                    tenantId?: string;
                    errorCode?: "unsupported_format" | "corrupt_image" | "too_many_pixels" | "empty_file" | "corrupt_video" | "unsupported_codec" | "video_too_long" | "corrupt_audio" | "audio_too_long" | "invalid_crop" | "storage_unavailable" | "render_timeout" | "internal_error" | "quota_exceeded" | "interrupted";
                    /** @description Jobs created at or after this time */
                    since?: string;
                    /** @description Jobs created before this time */
                    until?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AdminJob"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give a failed job a new round of attempts */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: components["schemas"]["Job"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry every failed job matching a filter (dryRun: only count them) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        state: "failed";
                        /** Format: uuid */
                        tenantId?: string;
                        /** @enum {string} */
                        errorCode?: "unsupported_format" | "corrupt_image" | "too_many_pixels" | "empty_file" | "corrupt_video" | "unsupported_codec" | "video_too_long" | "corrupt_audio" | "audio_too_long" | "invalid_crop" | "storage_unavailable" | "render_timeout" | "internal_error" | "quota_exceeded" | "interrupted";
                        /**
                         * Format: date-time
                         * @description Jobs created at or after this time
                         */
                        since?: string;
                        /**
                         * Format: date-time
                         * @description Jobs created before this time
                         */
                        until?: string;
                        /** @default false */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            matched: number;
                            requeued: number;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/assets/{id}/reprocess": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Render an asset again from its original */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: components["schemas"]["Job"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue entries per state (Redis) and job rows per state (Postgres) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The main queue: uploads and reprocessing */
                            queue: {
                                name: string;
                                paused: boolean;
                                counts: {
                                    [key: string]: number;
                                };
                            };
                            /** @description The backfill lane: re-renders after a preset change, worked by their own slots */
                            backfillQueue: {
                                name: string;
                                paused: boolean;
                                counts: {
                                    [key: string]: number;
                                };
                            };
                            /** @description Job rows in Postgres, the system of record */
                            jobs: {
                                [key: string]: number;
                            };
                            /** @description States whose `jobs` count is the planner estimate (completed, once the table is large), not an exact count */
                            estimated: ("queued" | "active" | "completed" | "failed")[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/queues/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause or resume processing across every worker */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            paused: boolean;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/queues/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause or resume processing across every worker */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            paused: boolean;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-render the variants of a preset that are stale after its specs changed, on the low-priority backfill lane, a window at a time (dryRun: only count them) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        preset: string;
                        /** @default false */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BackfillReport"] | {
                            backfill: components["schemas"]["Backfill"];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/backfills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Backfills, newest first, with how far each has got */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Backfill"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/backfills/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One backfill: what it matched, queued, finished and failed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            backfill: components["schemas"]["Backfill"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/events/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send any tenant's event again now, to one of its webhooks or to every enabled one taking its type */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        webhookId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The webhooks it is being sent to */
                            webhookIds: string[];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/assets/{id}/moderation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide on any tenant's held or ready asset, or restore a rejected one
         * @description A held asset can be approved or rejected, a ready one rejected (a takedown: the public and `/img/` routes answer as for no asset at once, its objects leave the public bucket within 60 s); anything else, a second approve included: 409 invalid_state. `block` with `reject` adds the asset's perceptual hashes to the tenant's blocklist (none taken yet: 409 invalid_state; the list full: 409 invalid_state). An admin may also `approve` a rejected asset while its original is in quarantine: it is processed again with its checks skipped (`decidedBy: "admin"`; its original gone: 409 invalid_state).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ModerationDecisionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Asset"];
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/moderation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The review queue: held assets of every tenant (or one), oldest first */
        get: {
            parameters: {
                query?: {
                    state?: "held";
                    tenantId?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["HeldAsset"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/moderation/rescan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Scan again the originals of the ready and held assets made since a time (after a signature update), on the backfill lane
         * @description A match takes a ready asset down as a `reject` decision by `policy` does. Assets with a job under way already are left out.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description ISO 8601: assets created at or after it
                         */
                        since: string;
                        /**
                         * Format: uuid
                         * @description One tenant's assets; absent: every tenant's
                         */
                        tenantId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Rescan jobs queued */
                            queued: number;
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/blocklist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The deployment's blocklist (every tenant's uploads are matched against it), oldest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["BlocklistEntry"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a perceptual hash, or an asset's hashes (any tenant's asset), to the deployment's blocklist
         * @description At most BLOCKLIST_MAX_ENTRIES entries (409 invalid_state past it); an asset without hashes yet: 409 invalid_state.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        hash: string;
                        reason?: string;
                    } | {
                        assetId: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The entries of the hashes posted: one for a hash, one per perceptual hash of an asset (an entry the list had already, as it was) */
                            items: components["schemas"]["BlocklistEntry"][];
                        };
                    };
                };
                /** @description invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (65536 bytes: the limit of every request body). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/blocklist/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an entry of the deployment's blocklist */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every tenant's usage, streamed: one row per tenant, period and meter, tenants by id and the deployment's rows last */
        get: {
            parameters: {
                query: {
                    /** @description The first period, its start: `2026-11-01`, `2026-11-05T14:00:00Z` (UTC, or with an offset) */
                    from: string;
                    /** @description The end of the range (exclusive), at the start of a period */
                    to: string;
                    /** @description Hours (at most 31 days), days or calendar months (at most 2 years); UTC */
                    granularity?: "hour" | "day" | "month";
                    /** @description One tenant's rows only */
                    tenantId?: string;
                    /** @description `json`: one array; `csv`: a header line, then RFC 4180 rows; `jsonl`: one object a line */
                    format?: "json" | "csv" | "jsonl";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The rows, one per tenant, period and meter: `tenantId` (null, or empty in CSV: the deployment), `at` (the period start, UTC), `meter`, `value`; values exact as stored (numbers). Streamed: a failure midway cuts the body short (a JSON array without its `]`). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            tenantId: string | null;
                            /** Format: date-time */
                            at: string;
                            meter: string;
                            value: number;
                        }[];
                        "text/csv": string;
                        "application/x-ndjson": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AdminJob: {
            id: string;
            assetId: string;
            /** @enum {string} */
            kind: "process" | "reprocess" | "backfill" | "rescan";
            /** @enum {string} */
            state: "queued" | "active" | "completed" | "failed";
            attempts: number;
            maxAttempts: number;
            /** @description 0..1 as a video renders (updated at most once a second, never backwards); null for jobs that report none */
            progress: number | null;
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            tenantId: string;
            /** @description The raw error behind the message (it may name a bucket, key, host or SQL): admin routes only */
            errorDetail: string | null;
            history: {
                attempt: number;
                startedAt: string;
                finishedAt: string | null;
                errorCode: string | null;
                errorMessage: string | null;
                /** @description The raw error behind the message (it may name a bucket, key, host or SQL): admin routes only */
                errorDetail: string | null;
            }[];
        };
        AdminJobInput: {
            id: string;
            assetId: string;
            /** @enum {string} */
            kind: "process" | "reprocess" | "backfill" | "rescan";
            /** @enum {string} */
            state: "queued" | "active" | "completed" | "failed";
            attempts: number;
            maxAttempts: number;
            /** @description 0..1 as a video renders (updated at most once a second, never backwards); null for jobs that report none */
            progress: number | null;
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            tenantId: string;
            /** @description The raw error behind the message (it may name a bucket, key, host or SQL): admin routes only */
            errorDetail: string | null;
            history: {
                attempt: number;
                startedAt: string;
                finishedAt: string | null;
                errorCode: string | null;
                errorMessage: string | null;
                /** @description The raw error behind the message (it may name a bucket, key, host or SQL): admin routes only */
                errorDetail: string | null;
            }[];
        };
        Asset: {
            id: string;
            /** @enum {string} */
            status: "awaiting_upload" | "queued" | "processing" | "held" | "ready" | "failed" | "rejected" | "canceled" | "expired";
            /** @description Video and audio: whether the stream can be played, `false` until it can and `true` from then on (a long video while still `processing`: its `stream` variant lists the rungs finished so far); null for an image */
            playable: boolean | null;
            filename: string;
            contentType: string;
            size: number;
            preset: string;
            metadata: {
                [key: string]: unknown;
            } | null;
            /**
             * @description Follows the checked content type
             * @enum {string}
             */
            kind: "image" | "video" | "audio";
            /** @description As displayed: after EXIF orientation, or a video's rotation; null for audio */
            width: number | null;
            height: number | null;
            /** @description The image format or container read from the file (`jpeg`, `heif`, `mp4`, `mov`, `webm`, …) */
            format: string | null;
            /** @description Seconds (video and audio) */
            duration: number | null;
            video: {
                /** @description The video stream's codec, as ffprobe names it (`h264`, `hevc`, `vp9`, `av1`, …) */
                codec: string;
                /** @description Frames per second, e.g. 29.97 */
                fps: number;
                /** @description Whether the original has an audio stream */
                audio: boolean;
                /**
                 * @description An HDR original (HLG or PQ): `tone_mapped` when its renditions were mapped to SDR, `kept` when they carry it as is; null for SDR
                 * @enum {string|null}
                 */
                hdr: "kept" | "tone_mapped" | null;
            } | null;
            audio: {
                /** @description The audio stream's codec, as ffprobe names it (`mp3`, `aac`, `flac`, `opus`, `vorbis`, `pcm_s16le`, …) */
                codec: string;
                /** @description Samples per second, e.g. 44100 */
                sampleRate: number;
                channels: number;
                /** @description Integrated loudness in LUFS (EBU R128); null until measured */
                loudness: number | null;
            } | null;
            /** @description ThumbHash, base64 (of a video: of its poster frame; of audio: of its cover art, else null) */
            placeholder: string | null;
            dominantColor: string | null;
            /** @description 1 at upload, + 1 on every focus, crop or faces change; delivery URLs carry it */
            revision: number;
            /** @description Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre */
            focus: components["schemas"]["Focus"] | null;
            /** @description Displayed pixels every variant and delivery is cut from; null: the whole image */
            crop: components["schemas"]["Crop"] | null;
            /** @description Faces in the image (of a video: its poster frame; of audio: its cover art), largest first, each 0..1 of the displayed image (the whole of it, not the crop): found at ingest or marked by hand (`PATCH`); null before the search or where it is off */
            faces: {
                x: number;
                y: number;
                width: number;
                height: number;
                score: number;
            }[] | null;
            /**
             * @description `private`: every URL of the asset is a private URL that expires (`urlsExpireAt`); its objects are in no public bucket
             * @enum {string}
             */
            visibility: "public" | "private";
            /** @description What the checks of its tenant's policy found, and the decision on it */
            moderation: components["schemas"]["AssetModeration"];
            /** @description Empty until the asset is ready; a playable asset still `processing` lists its `hls` variants alone */
            variants: {
                name: string;
                /**
                 * @description `video` for a rendition (`mp4`, `webm`), a ladder (`hls`) or a `storyboard`; `audio` for an audio rendition or waveform; `image` otherwise (a poster, cover art)
                 * @enum {string}
                 */
                kind: "image" | "video" | "audio";
                format: string;
                width: number;
                height: number;
                /** @description Seconds, for a video rendition; null for an image */
                duration: number | null;
                /** @description Bytes; of an `hls` ladder, all its playlists and segments together */
                size: number;
                /** @description An `hls` ladder's rungs, highest first (its `url` is the master playlist); absent for every other format */
                renditions?: {
                    width: number;
                    height: number;
                    /** @description Bits per second, the highest of any segment */
                    bandwidth: number;
                }[];
                /** @description Public (CDN) URL, of a private asset a private URL (`/p/{exp}/{sig}/{id}/…`); of a `storyboard`, its WebVTT file, whose cues point into the WebP sprite beside it with `#xywh=` */
                url: string;
            }[];
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            updatedAt: string;
            readyAt: string | null;
            /** @description When a private asset's URLs stop working (ISO 8601); null for a public asset */
            urlsExpireAt: string | null;
            /** @description Responsive markup for a ready image or video poster (delivery URLs within the tenant's policy); null otherwise */
            delivery: components["schemas"]["DeliveryMarkup"];
        };
        AssetInput: {
            id: string;
            /** @enum {string} */
            status: "awaiting_upload" | "queued" | "processing" | "held" | "ready" | "failed" | "rejected" | "canceled" | "expired";
            /** @description Video and audio: whether the stream can be played, `false` until it can and `true` from then on (a long video while still `processing`: its `stream` variant lists the rungs finished so far); null for an image */
            playable: boolean | null;
            filename: string;
            contentType: string;
            size: number;
            preset: string;
            metadata: {
                [key: string]: unknown;
            } | null;
            /**
             * @description Follows the checked content type
             * @enum {string}
             */
            kind: "image" | "video" | "audio";
            /** @description As displayed: after EXIF orientation, or a video's rotation; null for audio */
            width: number | null;
            height: number | null;
            /** @description The image format or container read from the file (`jpeg`, `heif`, `mp4`, `mov`, `webm`, …) */
            format: string | null;
            /** @description Seconds (video and audio) */
            duration: number | null;
            video: {
                /** @description The video stream's codec, as ffprobe names it (`h264`, `hevc`, `vp9`, `av1`, …) */
                codec: string;
                /** @description Frames per second, e.g. 29.97 */
                fps: number;
                /** @description Whether the original has an audio stream */
                audio: boolean;
                /**
                 * @description An HDR original (HLG or PQ): `tone_mapped` when its renditions were mapped to SDR, `kept` when they carry it as is; null for SDR
                 * @enum {string|null}
                 */
                hdr: "kept" | "tone_mapped" | null;
            } | null;
            audio: {
                /** @description The audio stream's codec, as ffprobe names it (`mp3`, `aac`, `flac`, `opus`, `vorbis`, `pcm_s16le`, …) */
                codec: string;
                /** @description Samples per second, e.g. 44100 */
                sampleRate: number;
                channels: number;
                /** @description Integrated loudness in LUFS (EBU R128); null until measured */
                loudness: number | null;
            } | null;
            /** @description ThumbHash, base64 (of a video: of its poster frame; of audio: of its cover art, else null) */
            placeholder: string | null;
            dominantColor: string | null;
            /** @description 1 at upload, + 1 on every focus, crop or faces change; delivery URLs carry it */
            revision: number;
            /** @description Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre */
            focus: components["schemas"]["FocusInput"] | null;
            /** @description Displayed pixels every variant and delivery is cut from; null: the whole image */
            crop: components["schemas"]["CropInput"] | null;
            /** @description Faces in the image (of a video: its poster frame; of audio: its cover art), largest first, each 0..1 of the displayed image (the whole of it, not the crop): found at ingest or marked by hand (`PATCH`); null before the search or where it is off */
            faces: {
                x: number;
                y: number;
                width: number;
                height: number;
                score: number;
            }[] | null;
            /**
             * @description `private`: every URL of the asset is a private URL that expires (`urlsExpireAt`); its objects are in no public bucket
             * @enum {string}
             */
            visibility: "public" | "private";
            /** @description What the checks of its tenant's policy found, and the decision on it */
            moderation: components["schemas"]["AssetModerationInput"];
            /** @description Empty until the asset is ready; a playable asset still `processing` lists its `hls` variants alone */
            variants: {
                name: string;
                /**
                 * @description `video` for a rendition (`mp4`, `webm`), a ladder (`hls`) or a `storyboard`; `audio` for an audio rendition or waveform; `image` otherwise (a poster, cover art)
                 * @enum {string}
                 */
                kind: "image" | "video" | "audio";
                format: string;
                width: number;
                height: number;
                /** @description Seconds, for a video rendition; null for an image */
                duration: number | null;
                /** @description Bytes; of an `hls` ladder, all its playlists and segments together */
                size: number;
                /** @description An `hls` ladder's rungs, highest first (its `url` is the master playlist); absent for every other format */
                renditions?: {
                    width: number;
                    height: number;
                    /** @description Bits per second, the highest of any segment */
                    bandwidth: number;
                }[];
                /** @description Public (CDN) URL, of a private asset a private URL (`/p/{exp}/{sig}/{id}/…`); of a `storyboard`, its WebVTT file, whose cues point into the WebP sprite beside it with `#xywh=` */
                url: string;
            }[];
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            updatedAt: string;
            readyAt: string | null;
            /** @description When a private asset's URLs stop working (ISO 8601); null for a public asset */
            urlsExpireAt: string | null;
            /** @description Responsive markup for a ready image or video poster (delivery URLs within the tenant's policy); null otherwise */
            delivery: components["schemas"]["DeliveryMarkupInput"];
        };
        AssetModeration: {
            /**
             * @description `pending` until the checks ran; `clear` when none held it; `approved` / `rejected` after a decision
             * @enum {string}
             */
            state: "pending" | "clear" | "held" | "approved" | "rejected";
            findings: components["schemas"]["ModerationFinding"][];
            /** @enum {string|null} */
            decidedBy: "policy" | "tenant" | "admin" | null;
            reason: string | null;
            decidedAt: string | null;
        };
        AssetModerationInput: {
            /**
             * @description `pending` until the checks ran; `clear` when none held it; `approved` / `rejected` after a decision
             * @enum {string}
             */
            state: "pending" | "clear" | "held" | "approved" | "rejected";
            findings: components["schemas"]["ModerationFindingInput"][];
            /** @enum {string|null} */
            decidedBy: "policy" | "tenant" | "admin" | null;
            reason: string | null;
            decidedAt: string | null;
        };
        Backfill: {
            id: string;
            /**
             * @description `preset`: a preset's stale variants; `face-redaction`: a tenant's assets with faces, after its `enforceFaceRedaction` changed
             * @enum {string}
             */
            reason: "preset" | "face-redaction";
            /** @description The preset re-rendered; empty for a `face-redaction` backfill (every preset of the tenant) */
            preset: string;
            /** @description A tenant's own backfill (POST /v1/presets/:name/backfill); null: every tenant's assets */
            tenantId: string | null;
            /** @enum {string} */
            state: "running" | "completed";
            /** @description At most this many of its jobs are queued or running at once */
            window: number;
            /** @description Every ready asset of the preset has been looked at */
            scanDone: boolean;
            /** @description Ready assets found with stale variants so far */
            matched: number;
            /** @description Backfill jobs queued for them so far */
            queued: number;
            /** @description Matched assets left alone: an unfinished job already, or no longer ready */
            skipped: number;
            /** @description Its jobs that finished */
            done: number;
            /** @description Its jobs that failed for good (the asset keeps its old variants) */
            failed: number;
            createdAt: string;
            updatedAt: string;
            finishedAt: string | null;
        };
        BackfillInput: {
            id: string;
            /**
             * @description `preset`: a preset's stale variants; `face-redaction`: a tenant's assets with faces, after its `enforceFaceRedaction` changed
             * @enum {string}
             */
            reason: "preset" | "face-redaction";
            /** @description The preset re-rendered; empty for a `face-redaction` backfill (every preset of the tenant) */
            preset: string;
            /** @description A tenant's own backfill (POST /v1/presets/:name/backfill); null: every tenant's assets */
            tenantId: string | null;
            /** @enum {string} */
            state: "running" | "completed";
            /** @description At most this many of its jobs are queued or running at once */
            window: number;
            /** @description Every ready asset of the preset has been looked at */
            scanDone: boolean;
            /** @description Ready assets found with stale variants so far */
            matched: number;
            /** @description Backfill jobs queued for them so far */
            queued: number;
            /** @description Matched assets left alone: an unfinished job already, or no longer ready */
            skipped: number;
            /** @description Its jobs that finished */
            done: number;
            /** @description Its jobs that failed for good (the asset keeps its old variants) */
            failed: number;
            createdAt: string;
            updatedAt: string;
            finishedAt: string | null;
        };
        BackfillReport: {
            preset: string;
            /** @description Ready assets of the preset with at least one stale variant */
            matched: number;
            /** @description Variants to re-render (missing, or rendered from another spec) or to remove (no longer in the preset) */
            staleVariants: number;
            /** @description Always 0: a dry run queues nothing */
            enqueued: number;
            /** @description Always 0 for a dry run */
            skipped: number;
        };
        BackfillReportInput: {
            preset: string;
            /** @description Ready assets of the preset with at least one stale variant */
            matched: number;
            /** @description Variants to re-render (missing, or rendered from another spec) or to remove (no longer in the preset) */
            staleVariants: number;
            /** @description Always 0: a dry run queues nothing */
            enqueued: number;
            /** @description Always 0 for a dry run */
            skipped: number;
        };
        BlocklistEntry: {
            id: string;
            /** @description `phash:` and 16 hex digits */
            hash: string;
            reason: string | null;
            createdAt: string;
            /** @description The asset whose hash it is, when it was added from one */
            assetId: string | null;
        };
        BlocklistEntryInput: {
            id: string;
            /** @description `phash:` and 16 hex digits */
            hash: string;
            reason: string | null;
            createdAt: string;
            /** @description The asset whose hash it is, when it was added from one */
            assetId: string | null;
        };
        Crop: {
            x: number;
            y: number;
            width: number;
            height: number;
        };
        CropInput: {
            x: number;
            y: number;
            width: number;
            height: number;
        };
        DeliveryMarkup: {
            /** @description `{DELIVERY_BASE_URL}/img/{id}/{revision}`, of a private asset `{DELIVERY_BASE_URL}/p/{exp}/{sig}/{id}/img/{revision}`: append `/{options}` to build a URL */
            base: string;
            /** @description A default within the policy: the largest srcset width not above 1080, as JPEG (PNG with transparency) */
            src: string;
            /** @description `f_auto` URLs over the tenant's widths not above the (cropped) image's width */
            srcset: string;
            /** @description `<picture>` sources with explicit formats (AVIF when the policy allows it, then WebP): no `Vary` needed at the CDN */
            sources: {
                type: string;
                srcset: string;
            }[];
        } | null;
        DeliveryMarkupInput: {
            /** @description `{DELIVERY_BASE_URL}/img/{id}/{revision}`, of a private asset `{DELIVERY_BASE_URL}/p/{exp}/{sig}/{id}/img/{revision}`: append `/{options}` to build a URL */
            base: string;
            /** @description A default within the policy: the largest srcset width not above 1080, as JPEG (PNG with transparency) */
            src: string;
            /** @description `f_auto` URLs over the tenant's widths not above the (cropped) image's width */
            srcset: string;
            /** @description `<picture>` sources with explicit formats (AVIF when the policy allows it, then WebP): no `Vary` needed at the CDN */
            sources: {
                type: string;
                srcset: string;
            }[];
        } | null;
        DeliveryPolicy: {
            /** @description The `w` an unsigned URL may ask for */
            widths: number[];
            /** @description The `q` an unsigned URL may ask for (none given: `quality`) */
            qualities: (number | ("auto" | "auto-eco" | "auto-good" | "auto-best"))[];
            /** @description "W:H": an unsigned URL's `h` must be round(w × H / W) for one of them */
            aspectRatios: string[];
            /** @description Whether `f_auto` may choose AVIF */
            avif: boolean;
            /** @description The quality of a URL with no `q` */
            quality: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
            /** @description Renders a minute before `429` (cache hits never count); null: the deployment's DELIVERY_RENDERS_PER_MINUTE */
            rendersPerMinute: number | null;
            /** @description Whether an unsigned URL may ask for `z_` and the `e_` face effects (`g_face`/`g_faces` always may) */
            unsignedEffects: boolean;
            /**
             * @description Every image render, signed or not, and every eager image variant (video posters and cover art too; not video renditions) covers the known faces so (`blur` or `pixelate`); null: only where a URL asks. A change queues a `face-redaction` backfill of the assets with faces: their image variants re-rendered, their unredacted `/img/` renders deleted, and an `asset.updated` with `purge` each
             * @enum {string|null}
             */
            enforceFaceRedaction: "blur" | "pixelate" | null;
        };
        DeliveryPolicyInput: {
            /** @description The `w` an unsigned URL may ask for */
            widths: number[];
            /** @description The `q` an unsigned URL may ask for (none given: `quality`) */
            qualities: (number | ("auto" | "auto-eco" | "auto-good" | "auto-best"))[];
            /** @description "W:H": an unsigned URL's `h` must be round(w × H / W) for one of them */
            aspectRatios: string[];
            /** @description Whether `f_auto` may choose AVIF */
            avif: boolean;
            /** @description The quality of a URL with no `q` */
            quality: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
            /** @description Renders a minute before `429` (cache hits never count); null: the deployment's DELIVERY_RENDERS_PER_MINUTE */
            rendersPerMinute: number | null;
            /** @description Whether an unsigned URL may ask for `z_` and the `e_` face effects (`g_face`/`g_faces` always may) */
            unsignedEffects: boolean;
            /**
             * @description Every image render, signed or not, and every eager image variant (video posters and cover art too; not video renditions) covers the known faces so (`blur` or `pixelate`); null: only where a URL asks. A change queues a `face-redaction` backfill of the assets with faces: their image variants re-rendered, their unredacted `/img/` renders deleted, and an `asset.updated` with `purge` each
             * @enum {string|null}
             */
            enforceFaceRedaction: "blur" | "pixelate" | null;
        };
        Error: {
            error: {
                code: string;
                message: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        ErrorInput: {
            error: {
                code: string;
                message: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        Event: {
            /** @description Time-ordered; pass as `after` (or `Last-Event-ID`) to read on from here */
            id: string;
            /** @enum {string} */
            type: "asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached";
            createdAt: string;
            data: {
                /** @description The asset as the change left it */
                asset: components["schemas"]["Asset"];
                /** @description `asset.updated` only, when a visibility change made it or a change of the tenant's `enforceFaceRedaction` re-rendered it: what a CDN should purge of the asset */
                purge?: components["schemas"]["PurgeList"];
            } | {
                /** @description The import as it ended */
                import: components["schemas"]["Import"];
            } | components["schemas"]["QuotaEventData"];
        };
        EventInput: {
            /** @description Time-ordered; pass as `after` (or `Last-Event-ID`) to read on from here */
            id: string;
            /** @enum {string} */
            type: "asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached";
            createdAt: string;
            data: {
                /** @description The asset as the change left it */
                asset: components["schemas"]["AssetInput"];
                /** @description `asset.updated` only, when a visibility change made it or a change of the tenant's `enforceFaceRedaction` re-rendered it: what a CDN should purge of the asset */
                purge?: components["schemas"]["PurgeListInput"];
            } | {
                /** @description The import as it ended */
                import: components["schemas"]["ImportInput"];
            } | components["schemas"]["QuotaEventDataInput"];
        };
        Focus: {
            x: number;
            y: number;
        };
        FocusInput: {
            x: number;
            y: number;
        };
        HeldAsset: {
            tenantId: string;
            /** @description As its tenant reads it: `/p/` URLs, findings and scores */
            asset: components["schemas"]["Asset"];
        };
        HeldAssetInput: {
            tenantId: string;
            /** @description As its tenant reads it: `/p/` URLs, findings and scores */
            asset: components["schemas"]["AssetInput"];
        };
        Import: {
            id: string;
            /** @enum {string} */
            status: "planning" | "running" | "paused" | "done" | "failed" | "canceled";
            dryRun: boolean;
            source: {
                /** @enum {string} */
                type: "urls" | "bucket";
                bucket?: string;
                prefix?: string;
                endpoint?: string;
            };
            counts: {
                /** @description Items listed (a bucket source) or given (URLs) so far */
                found: number;
                /** @description Assets made (a dry run: that would be made) */
                imported: number;
                /** @description Items already imported (their identity has an asset) */
                skipped: number;
                failed: number;
                /** @description Bytes brought in */
                bytes: number;
            };
            /** @description Why the import failed as a whole, null otherwise: its source could not be listed or its keys used (`source_forbidden`, `source_not_found`, `source_unreachable`, `blocked_address`), or it lists more than IMPORT_MAX_ITEMS objects or pages past S3’s bounds (`source_too_large`) */
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            finishedAt: string | null;
        };
        ImportInput: {
            id: string;
            /** @enum {string} */
            status: "planning" | "running" | "paused" | "done" | "failed" | "canceled";
            dryRun: boolean;
            source: {
                /** @enum {string} */
                type: "urls" | "bucket";
                bucket?: string;
                prefix?: string;
                endpoint?: string;
            };
            counts: {
                /** @description Items listed (a bucket source) or given (URLs) so far */
                found: number;
                /** @description Assets made (a dry run: that would be made) */
                imported: number;
                /** @description Items already imported (their identity has an asset) */
                skipped: number;
                failed: number;
                /** @description Bytes brought in */
                bytes: number;
            };
            /** @description Why the import failed as a whole, null otherwise: its source could not be listed or its keys used (`source_forbidden`, `source_not_found`, `source_unreachable`, `blocked_address`), or it lists more than IMPORT_MAX_ITEMS objects or pages past S3’s bounds (`source_too_large`) */
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            finishedAt: string | null;
        };
        ImportItem: {
            /** @description The URL (without the query parameters presigning adds) or `bucket/key` */
            source: string;
            externalId: string | null;
            /** @description The asset made, or (skipped) the one already made of the same identity */
            assetId: string | null;
            /** @enum {string} */
            status: "pending" | "running" | "imported" | "skipped" | "failed";
            /** @description Why it was skipped: `already_imported` */
            reason?: string;
            /** @description Why it failed, in a sentence a person can act on */
            error?: {
                code: string;
                message: string;
            } | null;
        };
        ImportItemInput: {
            /** @description The URL (without the query parameters presigning adds) or `bucket/key` */
            source: string;
            externalId: string | null;
            /** @description The asset made, or (skipped) the one already made of the same identity */
            assetId: string | null;
            /** @enum {string} */
            status: "pending" | "running" | "imported" | "skipped" | "failed";
            /** @description Why it was skipped: `already_imported` */
            reason?: string;
            /** @description Why it failed, in a sentence a person can act on */
            error?: {
                code: string;
                message: string;
            } | null;
        };
        ImportProgressEvent: {
            /** @enum {string} */
            type: "import.progress";
            createdAt: string;
            data: {
                import: components["schemas"]["Import"];
            };
        };
        ImportProgressEventInput: {
            /** @enum {string} */
            type: "import.progress";
            createdAt: string;
            data: {
                import: components["schemas"]["ImportInput"];
            };
        };
        Job: {
            id: string;
            assetId: string;
            /** @enum {string} */
            kind: "process" | "reprocess" | "backfill" | "rescan";
            /** @enum {string} */
            state: "queued" | "active" | "completed" | "failed";
            attempts: number;
            maxAttempts: number;
            /** @description 0..1 as a video renders (updated at most once a second, never backwards); null for jobs that report none */
            progress: number | null;
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        JobInput: {
            id: string;
            assetId: string;
            /** @enum {string} */
            kind: "process" | "reprocess" | "backfill" | "rescan";
            /** @enum {string} */
            state: "queued" | "active" | "completed" | "failed";
            attempts: number;
            maxAttempts: number;
            /** @description 0..1 as a video renders (updated at most once a second, never backwards); null for jobs that report none */
            progress: number | null;
            error: {
                code: string;
                message: string;
            } | null;
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
        };
        ModerationDecision: {
            /** @enum {string} */
            decision: "approve" | "reject";
            reason?: string;
            /** @description With `reject`: the asset's perceptual hashes join the tenant's blocklist */
            block?: boolean;
        };
        ModerationDecisionInput: {
            /** @enum {string} */
            decision: "approve" | "reject";
            reason?: string;
            /** @description With `reject`: the asset's perceptual hashes join the tenant's blocklist */
            block?: boolean;
        };
        ModerationFinding: {
            /** @enum {string} */
            check: "malware" | "blocklist" | "classifier" | "review";
            /** @description The signature name (`malware`), `explicit` (`classifier`), `blocklist:<entryId>` (`blocklist`), or `too_large_to_scan` */
            label: string | null;
            /** @description The classifier's score (0..1); null for other checks */
            score: number | null;
        };
        ModerationFindingInput: {
            /** @enum {string} */
            check: "malware" | "blocklist" | "classifier" | "review";
            /** @description The signature name (`malware`), `explicit` (`classifier`), `blocklist:<entryId>` (`blocklist`), or `too_large_to_scan` */
            label: string | null;
            /** @description The classifier's score (0..1); null for other checks */
            score: number | null;
        };
        ModerationPolicy: {
            /** @enum {string|null} */
            malware?: "reject" | "off" | null;
            /** @enum {string|null} */
            blocklist?: "reject" | "hold" | "off" | null;
            classifier?: ("off" | {
                /** @description A score at or above it holds the asset */
                holdAt: number;
                /** @description A score at or above it rejects the asset; absent or null: the classifier never rejects */
                rejectAt?: number | null;
            }) | null;
            /** @enum {string|null} */
            review?: "none" | "all" | null;
        };
        ModerationPolicyInput: {
            /** @enum {string|null} */
            malware?: "reject" | "off" | null;
            /** @enum {string|null} */
            blocklist?: "reject" | "hold" | "off" | null;
            classifier?: ("off" | {
                /** @description A score at or above it holds the asset */
                holdAt: number;
                /** @description A score at or above it rejects the asset; absent or null: the classifier never rejects */
                rejectAt?: number | null;
            }) | null;
            /** @enum {string|null} */
            review?: "none" | "all" | null;
        };
        Preset: {
            name: string;
            /**
             * @description `tenant`: this tenant's own, shadowing any global preset of the name
             * @enum {string}
             */
            owner: "global" | "tenant";
            /** @description Changes whenever any variant would render differently */
            specHash: string;
            variants: ({
                name: string;
                /** @enum {string} */
                fit: "cover" | "inside";
                width: number;
                height: number;
                /** @description 1..100, or `auto` (= `auto-good`), `auto-eco`, `auto-best`: the lowest quality within the level's perceptual distance, per image */
                quality: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
                /** @enum {string} */
                format: "webp" | "avif" | "jpeg" | "png";
            } | {
                name: string;
                /** @enum {string} */
                fit: "cover" | "inside";
                width: number;
                height: number;
                quality: number;
                /** @enum {string} */
                format: "mp4" | "webm";
                /** @description Seconds from the start: a preview clip */
                maxDuration?: number;
                /** @description `false`: the rendition has no sound */
                audio?: boolean;
            } | {
                name: string;
                /** @enum {string} */
                format: "hls";
                width: number;
                height: number;
                /** @default 70 */
                quality: number;
                /** @description Target length of a segment in seconds (default 4) */
                segmentSeconds?: number;
                /** @description `false`: the ladder has no sound */
                audio?: boolean;
            } | {
                name: string;
                /** @enum {string} */
                format: "storyboard";
                /**
                 * @description Of one tile, in pixels
                 * @default 160
                 */
                width: number;
            } | {
                name: string;
                /** @enum {string} */
                format: "m4a" | "mp3" | "opus";
                /** @description kbit/s */
                bitrate?: number;
                /** @description LUFS, integrated: the rendition is normalised to it (two-pass, true peak ≤ -1 dBTP) */
                loudness?: number;
            } | {
                name: string;
                /** @enum {string} */
                format: "waveform";
                /** @description Peaks per second (default 10) */
                points?: number;
            })[];
        };
        PresetInput: {
            name: string;
            /**
             * @description `tenant`: this tenant's own, shadowing any global preset of the name
             * @enum {string}
             */
            owner: "global" | "tenant";
            /** @description Changes whenever any variant would render differently */
            specHash: string;
            variants: ({
                name: string;
                /** @enum {string} */
                fit: "cover" | "inside";
                width: number;
                height: number;
                /** @description 1..100, or `auto` (= `auto-good`), `auto-eco`, `auto-best`: the lowest quality within the level's perceptual distance, per image */
                quality: number | ("auto" | "auto-eco" | "auto-good" | "auto-best");
                /** @enum {string} */
                format: "webp" | "avif" | "jpeg" | "png";
            } | {
                name: string;
                /** @enum {string} */
                fit: "cover" | "inside";
                width: number;
                height: number;
                quality: number;
                /** @enum {string} */
                format: "mp4" | "webm";
                /** @description Seconds from the start: a preview clip */
                maxDuration?: number;
                /** @description `false`: the rendition has no sound */
                audio?: boolean;
            } | {
                name: string;
                /** @enum {string} */
                format: "hls";
                width: number;
                height: number;
                /** @default 70 */
                quality: number;
                /** @description Target length of a segment in seconds (default 4) */
                segmentSeconds?: number;
                /** @description `false`: the ladder has no sound */
                audio?: boolean;
            } | {
                name: string;
                /** @enum {string} */
                format: "storyboard";
                /**
                 * @description Of one tile, in pixels
                 * @default 160
                 */
                width: number;
            } | {
                name: string;
                /** @enum {string} */
                format: "m4a" | "mp3" | "opus";
                /** @description kbit/s */
                bitrate?: number;
                /** @description LUFS, integrated: the rendition is normalised to it (two-pass, true peak ≤ -1 dBTP) */
                loudness?: number;
            } | {
                name: string;
                /** @enum {string} */
                format: "waveform";
                /** @description Peaks per second (default 10) */
                points?: number;
            })[];
        };
        ProgressEvent: {
            /** @enum {string} */
            type: "asset.progress";
            createdAt: string;
            data: {
                assetId: string;
                jobId: string;
                progress: number;
            };
        };
        ProgressEventInput: {
            /** @enum {string} */
            type: "asset.progress";
            createdAt: string;
            data: {
                assetId: string;
                jobId: string;
                progress: number;
            };
        };
        PurgeList: {
            /** @description Every eager variant's and stream file's public URL */
            urls: string[];
            /** @description URL prefixes under which a CDN may hold anything else of the asset (its `/img/` renders, whatever their options) */
            prefixes: string[];
        };
        PurgeListInput: {
            /** @description Every eager variant's and stream file's public URL */
            urls: string[];
            /** @description URL prefixes under which a CDN may hold anything else of the asset (its `/img/` renders, whatever their options) */
            prefixes: string[];
        };
        QuotaEventData: {
            /** @enum {string} */
            quota: "storedBytes" | "uploadBytesPerMonth" | "videoSecondsPerMonth" | "imageRendersPerMonth" | "deliveryBytesPerMonth";
            /** @description The quota as set when it was crossed */
            limit: number;
            /** @description What the quota had used when this event was raised */
            used: number;
            /** @description The calendar month (UTC) it was crossed in, `2026-11`; once per quota per month */
            period: string;
        };
        QuotaEventDataInput: {
            /** @enum {string} */
            quota: "storedBytes" | "uploadBytesPerMonth" | "videoSecondsPerMonth" | "imageRendersPerMonth" | "deliveryBytesPerMonth";
            /** @description The quota as set when it was crossed */
            limit: number;
            /** @description What the quota had used when this event was raised */
            used: number;
            /** @description The calendar month (UTC) it was crossed in, `2026-11`; once per quota per month */
            period: string;
        };
        Tenant: {
            id: string;
            name: string;
            /** @description Null: the deployment default (ACCEPTED_CONTENT_TYPES) */
            acceptedContentTypes: string[] | null;
            /** @description Null: the deployment default (MAX_UPLOAD_BYTES) */
            maxUploadBytes: number | null;
            /** @description The preset of an upload that names none; null: "default" */
            defaultPreset: string | null;
            /** @description Requests per key per minute; null: the deployment default (RATE_LIMIT_PER_MINUTE) */
            rateLimitPerMinute: number | null;
            /**
             * @description The visibility of an upload that names none (nor its upload token); null: the deployment default (DEFAULT_VISIBILITY)
             * @enum {string|null}
             */
            defaultVisibility: "public" | "private" | null;
            /** @description The delivery policy in force: the fields the tenant set over the defaults */
            delivery: components["schemas"]["DeliveryPolicy"];
            /** @description The moderation policy's fields the tenant set; null in one: the deployment's default (MODERATION_*) */
            moderation: {
                /** @enum {string|null} */
                malware: "reject" | "off" | null;
                /** @enum {string|null} */
                blocklist: "reject" | "hold" | "off" | null;
                classifier: ("off" | {
                    /** @description A score at or above it holds the asset */
                    holdAt: number;
                    /** @description A score at or above it rejects the asset; absent or null: the classifier never rejects */
                    rejectAt?: number | null;
                }) | null;
                /** @enum {string|null} */
                review: "none" | "all" | null;
            };
            quotas: components["schemas"]["TenantQuotaLimits"];
            used: components["schemas"]["TenantQuotaUsed"];
            createdAt: string;
        };
        TenantInput: {
            id: string;
            name: string;
            /** @description Null: the deployment default (ACCEPTED_CONTENT_TYPES) */
            acceptedContentTypes: string[] | null;
            /** @description Null: the deployment default (MAX_UPLOAD_BYTES) */
            maxUploadBytes: number | null;
            /** @description The preset of an upload that names none; null: "default" */
            defaultPreset: string | null;
            /** @description Requests per key per minute; null: the deployment default (RATE_LIMIT_PER_MINUTE) */
            rateLimitPerMinute: number | null;
            /**
             * @description The visibility of an upload that names none (nor its upload token); null: the deployment default (DEFAULT_VISIBILITY)
             * @enum {string|null}
             */
            defaultVisibility: "public" | "private" | null;
            /** @description The delivery policy in force: the fields the tenant set over the defaults */
            delivery: components["schemas"]["DeliveryPolicyInput"];
            /** @description The moderation policy's fields the tenant set; null in one: the deployment's default (MODERATION_*) */
            moderation: {
                /** @enum {string|null} */
                malware: "reject" | "off" | null;
                /** @enum {string|null} */
                blocklist: "reject" | "hold" | "off" | null;
                classifier: ("off" | {
                    /** @description A score at or above it holds the asset */
                    holdAt: number;
                    /** @description A score at or above it rejects the asset; absent or null: the classifier never rejects */
                    rejectAt?: number | null;
                }) | null;
                /** @enum {string|null} */
                review: "none" | "all" | null;
            };
            quotas: components["schemas"]["TenantQuotaLimitsInput"];
            used: components["schemas"]["TenantQuotaUsedInput"];
            createdAt: string;
        };
        /** @description Every quota, null where unlimited; set with PATCH /v1/admin/tenants/{id} */
        TenantQuotaLimits: {
            storedBytes: number | null;
            uploadBytesPerMonth: number | null;
            videoSecondsPerMonth: number | null;
            imageRendersPerMonth: number | null;
            deliveryBytesPerMonth: number | null;
        };
        /** @description Every quota, null where unlimited; set with PATCH /v1/admin/tenants/{id} */
        TenantQuotaLimitsInput: {
            storedBytes: number | null;
            uploadBytesPerMonth: number | null;
            videoSecondsPerMonth: number | null;
            imageRendersPerMonth: number | null;
            deliveryBytesPerMonth: number | null;
        };
        /** @description What each quota set has used in its current period (storedBytes: the billed bytes held now; the others: this calendar month, UTC); only the quotas set appear. Uploads in flight reserve their declared size on top of this */
        TenantQuotaUsed: {
            storedBytes?: number;
            uploadBytesPerMonth?: number;
            videoSecondsPerMonth?: number;
            imageRendersPerMonth?: number;
            deliveryBytesPerMonth?: number;
        };
        /** @description What each quota set has used in its current period (storedBytes: the billed bytes held now; the others: this calendar month, UTC); only the quotas set appear. Uploads in flight reserve their declared size on top of this */
        TenantQuotaUsedInput: {
            storedBytes?: number;
            uploadBytesPerMonth?: number;
            videoSecondsPerMonth?: number;
            imageRendersPerMonth?: number;
            deliveryBytesPerMonth?: number;
        };
        TenantQuotas: {
            /** @description Bytes the billed prefixes may hold at once */
            storedBytes?: number | null;
            /** @description Bytes of originals confirmed in a calendar month (UTC) */
            uploadBytesPerMonth?: number | null;
            /** @description Seconds of video output encoded in a month, every rung */
            videoSecondsPerMonth?: number | null;
            /** @description Image renders in a month (still served past it: flagged by events) */
            imageRendersPerMonth?: number | null;
            /** @description Bytes the delivery server sent in a month (still served past it) */
            deliveryBytesPerMonth?: number | null;
        };
        TenantQuotasInput: {
            /** @description Bytes the billed prefixes may hold at once */
            storedBytes?: number | null;
            /** @description Bytes of originals confirmed in a calendar month (UTC) */
            uploadBytesPerMonth?: number | null;
            /** @description Seconds of video output encoded in a month, every rung */
            videoSecondsPerMonth?: number | null;
            /** @description Image renders in a month (still served past it: flagged by events) */
            imageRendersPerMonth?: number | null;
            /** @description Bytes the delivery server sent in a month (still served past it) */
            deliveryBytesPerMonth?: number | null;
        };
        UploadRules: {
            /** @description The largest file this caller may upload */
            maxBytes: number;
            /** @description The types this caller may upload */
            acceptedContentTypes: string[];
            /** @description Files of at least this many bytes go up in parts (MULTIPART_THRESHOLD_BYTES) */
            multipartThreshold: number;
            /** @description The part size of a multipart upload (MULTIPART_PART_SIZE); the start of an upload of more than maxParts such parts states a larger one */
            partSize: number;
            /** @description Parts per upload at most */
            maxParts: number;
            /** @description How long an upload URL works (UPLOAD_URL_TTL); GET /v1/uploads/:assetId/parts or POST /v1/uploads/:assetId/url renews them */
            urlTtlSeconds: number;
        };
        UploadRulesInput: {
            /** @description The largest file this caller may upload */
            maxBytes: number;
            /** @description The types this caller may upload */
            acceptedContentTypes: string[];
            /** @description Files of at least this many bytes go up in parts (MULTIPART_THRESHOLD_BYTES) */
            multipartThreshold: number;
            /** @description The part size of a multipart upload (MULTIPART_PART_SIZE); the start of an upload of more than maxParts such parts states a larger one */
            partSize: number;
            /** @description Parts per upload at most */
            maxParts: number;
            /** @description How long an upload URL works (UPLOAD_URL_TTL); GET /v1/uploads/:assetId/parts or POST /v1/uploads/:assetId/url renews them */
            urlTtlSeconds: number;
        };
        UploadToken: {
            /** @description dut_…: send it as "Authorization: Bearer <token>" */
            token: string;
            expiresAt: string;
            maxUploads: number;
            /**
             * @description The visibility of every upload the token starts; null: the tenant's default when each starts
             * @enum {string|null}
             */
            visibility: "public" | "private" | null;
        };
        UploadTokenInput: {
            /** @description dut_…: send it as "Authorization: Bearer <token>" */
            token: string;
            expiresAt: string;
            maxUploads: number;
            /**
             * @description The visibility of every upload the token starts; null: the tenant's default when each starts
             * @enum {string|null}
             */
            visibility: "public" | "private" | null;
        };
        UsageReport: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @enum {string} */
            granularity: "hour" | "day" | "month";
            /** @description Every period of the range, oldest first; 0 where nothing was counted */
            series: {
                /**
                 * Format: date-time
                 * @description The period's start (UTC)
                 */
                at: string;
                values: {
                    [key: string]: number;
                };
            }[];
            /** @description Over the range: the sum of each meter (byte-hours for stored_bytes), the largest for stored_bytes_peak */
            totals: {
                [key: string]: number;
            };
        };
        UsageReportInput: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @enum {string} */
            granularity: "hour" | "day" | "month";
            /** @description Every period of the range, oldest first; 0 where nothing was counted */
            series: {
                /**
                 * Format: date-time
                 * @description The period's start (UTC)
                 */
                at: string;
                values: {
                    [key: string]: number;
                };
            }[];
            /** @description Over the range: the sum of each meter (byte-hours for stored_bytes), the largest for stored_bytes_peak */
            totals: {
                [key: string]: number;
            };
        };
        Webhook: {
            id: string;
            url: string;
            events: ("asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached")[];
            enabled: boolean;
            description: string | null;
            createdAt: string;
        };
        WebhookDeliveryAttempt: {
            id: string;
            /** @description Also the `webhook-id` header of every attempt */
            eventId: string;
            /** @enum {string} */
            eventType: "asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached";
            attempt: number;
            /**
             * @description `pending` while the attempt is in flight
             * @enum {string}
             */
            status: "pending" | "succeeded" | "failed";
            responseStatus: number | null;
            error: string | null;
            durationMs: number | null;
            attemptedAt: string;
            /** @description When a failed attempt will be retried; null when it will not */
            nextAttemptAt: string | null;
        };
        WebhookDeliveryAttemptInput: {
            id: string;
            /** @description Also the `webhook-id` header of every attempt */
            eventId: string;
            /** @enum {string} */
            eventType: "asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached";
            attempt: number;
            /**
             * @description `pending` while the attempt is in flight
             * @enum {string}
             */
            status: "pending" | "succeeded" | "failed";
            responseStatus: number | null;
            error: string | null;
            durationMs: number | null;
            attemptedAt: string;
            /** @description When a failed attempt will be retried; null when it will not */
            nextAttemptAt: string | null;
        };
        WebhookInput: {
            id: string;
            url: string;
            events: ("asset.uploaded" | "asset.processing" | "asset.playable" | "asset.ready" | "asset.failed" | "asset.updated" | "asset.deleted" | "asset.expired" | "asset.held" | "asset.approved" | "asset.rejected" | "import.done" | "import.failed" | "import.canceled" | "tenant.quota.warning" | "tenant.quota.reached")[];
            enabled: boolean;
            description: string | null;
            createdAt: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
