import { ValidationError, type SizeLadder } from '@autoscaler/core';
import { FLEX_SHAPES, isFlexShape } from '@autoscaler/cloud-semantics';

/**
 * The shape ladder. A rung is a fixed shape name (`VM.Standard2.4`) or a flex
 * shape with its OCPUs and memory encoded as `<shape>:<ocpus>x<memoryInGBs>`
 * (`VM.Standard.E4.Flex:2x32`), because a flex shape alone says nothing about
 * size. Ranges are the documented model-deployment limits (profiles.json,
 * `flex_shape_ocpu_range`, `flex_memory_per_ocpu_gb`); they change by region
 * and over time, so they are checked here only to catch typos early: the
 * service has the last word.
 */
export interface ShapeRung {
  shape: string;
  ocpus?: number;
  memoryInGBs?: number;
}

/** The seed sample's fixed ladder (VM.Standard2 is X7: 15 GB per OCPU). */
export const STANDARD2_LADDER: SizeLadder = ['VM.Standard2.1', 'VM.Standard2.2', 'VM.Standard2.4', 'VM.Standard2.8', 'VM.Standard2.16', 'VM.Standard2.24'];

/**
 * Fixed GPU shapes Data Science model deployments run on, one ladder per GPU generation (a
 * rung adds GPUs of the same kind; moving between generations changes the model's runtime, so
 * it is never a default step). Names from the Data Science "Supported Compute Shapes" page
 * (GPU shapes); availability varies by region and tenancy limits, and the service has the last
 * word. A ladder of one rung (VM.GPU2.1) can only scale out.
 */
export const GPU_LADDERS: Readonly<Record<string, SizeLadder>> = {
  'NVIDIA A10': ['VM.GPU.A10.1', 'VM.GPU.A10.2'],
  'NVIDIA V100': ['VM.GPU3.1', 'VM.GPU3.2', 'VM.GPU3.4'],
  'NVIDIA P100': ['VM.GPU2.1'],
};

/** GPUs per instance of a fixed GPU shape (the last number of its name), or undefined for a CPU shape. */
export function gpuCount(shape: string): number | undefined {
  for (const ladder of Object.values(GPU_LADDERS)) if (ladder.includes(shape)) return Number(shape.slice(shape.lastIndexOf('.') + 1));
  return undefined;
}

export { FLEX_SHAPES, isFlexShape, type FlexShapeLimits } from '@autoscaler/cloud-semantics';

const FIXED = /^(VM|BM)\.[A-Za-z0-9]+(\.[A-Za-z0-9]+)*\.[0-9]+$/;
const FLEX_RUNG = /^([A-Za-z0-9.]+\.Flex):([0-9]+(?:\.[0-9]+)?)x([0-9]+(?:\.[0-9]+)?)$/;

/** Parse a rung; `field` names the offending input in the error. */
export function parseRung(size: string, field = 'capacity.size'): ShapeRung {
  if (typeof size !== 'string' || size.length === 0 || size.length > 100) throw ValidationError.field(field, 'must be a shape name');
  const flex = FLEX_RUNG.exec(size);
  if (flex) {
    const shape = flex[1]!;
    const ocpus = Number(flex[2]);
    const memoryInGBs = Number(flex[3]);
    const limits = FLEX_SHAPES[shape];
    if (!limits) throw ValidationError.field(field, `"${shape}" is not a flex shape model deployments support (${Object.keys(FLEX_SHAPES).join(', ')})`);
    if (ocpus < limits.ocpus[0] || ocpus > limits.ocpus[1])
      throw ValidationError.field(field, `${shape} takes ${limits.ocpus[0]}-${limits.ocpus[1]} OCPUs, got ${ocpus}`);
    const perOcpu = memoryInGBs / ocpus;
    if (perOcpu < limits.memoryPerOcpuGB[0] || perOcpu > limits.memoryPerOcpuGB[1]) {
      throw ValidationError.field(
        field,
        `${shape} takes ${limits.memoryPerOcpuGB[0]}-${limits.memoryPerOcpuGB[1]} GB of memory per OCPU for model deployments, got ${memoryInGBs} GB for ${ocpus} OCPUs`,
      );
    }
    return { shape, ocpus, memoryInGBs };
  }
  if (isFlexShape(size)) throw ValidationError.field(field, `a flex shape needs its size: write "${size}:<ocpus>x<memoryInGBs>", e.g. "${size}:2x32"`);
  if (!FIXED.test(size)) throw ValidationError.field(field, `"${size}" is not a shape name (VM.Standard2.4) nor a flex rung (VM.Standard.E4.Flex:2x32)`);
  return { shape: size };
}

export function formatRung(rung: ShapeRung): string {
  if (rung.ocpus === undefined || rung.memoryInGBs === undefined) return rung.shape;
  return `${rung.shape}:${rung.ocpus}x${rung.memoryInGBs}`;
}

/**
 * The default ladder for a deployment's current shape: the Standard2 series for
 * those shapes, a GPU shape's own generation (GPU_LADDERS), and for a flex shape doubling OCPUs from 1 with 16 GB per OCPU,
 * with the current rung inserted so the deployment is always on its ladder.
 */
export function defaultLadder(current: ShapeRung): SizeLadder {
  if (STANDARD2_LADDER.includes(current.shape)) return STANDARD2_LADDER;
  const gpu = Object.values(GPU_LADDERS).find((ladder) => ladder.includes(current.shape));
  if (gpu) return gpu;
  const limits = FLEX_SHAPES[current.shape];
  if (!limits) return [formatRung(current)];
  const rungs: ShapeRung[] = [];
  for (let o = limits.ocpus[0]; o <= limits.ocpus[1]; o *= 2) rungs.push({ shape: current.shape, ocpus: o, memoryInGBs: o * 16 });
  if (
    current.ocpus !== undefined &&
    current.memoryInGBs !== undefined &&
    !rungs.some((r) => r.ocpus === current.ocpus && r.memoryInGBs === current.memoryInGBs)
  ) {
    rungs.push(current);
  }
  rungs.sort((a, b) => (a.ocpus ?? 0) - (b.ocpus ?? 0) || (a.memoryInGBs ?? 0) - (b.memoryInGBs ?? 0));
  return rungs.map(formatRung);
}
