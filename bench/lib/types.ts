export interface BenchContext { quick: boolean; log: (msg: string) => void; root: string; commit: string }
export interface Metric { name: string; value: number; unit: string; spread?: [number, number]; note?: string }
export interface SuiteResult { suite: string; metrics: Metric[]; ratios?: Array<{ name: string; value: number; target?: string; met?: boolean }>; notes?: string[] }
export interface BenchSuite { name: string; title: string; run(ctx: BenchContext): Promise<SuiteResult> }
