// Types of build-server.mjs, for the TypeScript that imports it (bench/load, the crash tests).
export declare const serverEntry: string;
/** apps/server/dist/server/main.mjs */
export declare const serverBundle: string;
export declare function buildServer(): Promise<void>;
export declare function buildServerIfStale(): Promise<void>;
