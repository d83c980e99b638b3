/**
 * Cheap drawing for large charts. The renderer draws every node and edge as an instanced WebGL
 * primitive (an edge is 74 vertices), which a graphics card does at once but a machine drawing
 * WebGL in software pays for per instance: a still frame of 10,000 nodes and 50,000 edges took
 * about 5 s there, and a frame of the nodes alone about 0.3 s. Past a size, this module draws
 * edges as plain one-pixel lines (path highlights as thicker quads) and, while the view moves,
 * nodes as round points, each in a single non-instanced draw; the renderer keeps drawing nodes
 * (and their hit areas for clicks, hovers and drags), labels and backdrops when the view is still.
 *
 * It works by skipping the renderer's own edge program and, during moves, its node program: those
 * are internals of sigma 4, reached by name. If a later version renames them, nothing is skipped
 * and the chart draws as sigma alone would (slower, never wrong); `active` then reports false.
 */

import type Sigma from 'sigma';
import type { RenderParams } from 'sigma/types';
import type { ChartGraph } from './chart-graph';

type AnyFunction = (...args: unknown[]) => unknown;

/** The renderer's parts this module skips, by their names in sigma 4. */
interface RendererInternals {
  nodeProgram?: { render?: AnyFunction };
  edgeProgram?: { render?: AnyFunction };
  edgeFramePass?: { run?: AnyFunction };
}

/** What the drawing needs to know of the chart's edges beyond the graph. */
export interface FastEdgeStyle {
  /** Whether edges of this relation are filtered out. */
  isHidden(relation: string): boolean;
  /** The edges of the highlighted paths. */
  highlighted(): ReadonlySet<string>;
}

const LINE_ALPHA = 0.75;
const HIGHLIGHT_COLOUR: [number, number, number, number] = [0xd0 / 255, 0x34 / 255, 0x2c / 255, 1];
const HIGHLIGHT_PX = 3;

const LINE_VS = `#version 300 es
in vec2 a_position;
in vec4 a_color;
uniform mat3 u_matrix;
out vec4 v_color;
void main() {
  gl_Position = vec4((u_matrix * vec3(a_position, 1.0)).xy, 0.0, 1.0);
  v_color = a_color;
}`;

const QUAD_VS = `#version 300 es
in vec2 a_start;
in vec2 a_end;
in vec2 a_corner; // x: 0 at the start, 1 at the end; y: the side, -1 or 1
uniform mat3 u_matrix;
uniform vec2 u_viewport;
uniform float u_thickness;
uniform vec4 u_color;
out vec4 v_color;
void main() {
  vec2 a = (u_matrix * vec3(a_start, 1.0)).xy;
  vec2 b = (u_matrix * vec3(a_end, 1.0)).xy;
  vec2 along = (b - a) * u_viewport;
  vec2 normal = length(along) > 0.0001 ? normalize(vec2(-along.y, along.x)) : vec2(0.0, 1.0);
  gl_Position = vec4(mix(a, b, a_corner.x) + normal * a_corner.y * u_thickness / u_viewport, 0.0, 1.0);
  v_color = u_color;
}`;

const COLOUR_FS = `#version 300 es
precision mediump float;
in vec4 v_color;
out vec4 fragColor;
void main() {
  fragColor = vec4(v_color.rgb * v_color.a, v_color.a);
}`;

const POINT_VS = `#version 300 es
in vec2 a_position;
in float a_size;
in vec4 a_color;
uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_pixelRatio;
out vec4 v_color;
out float v_radius;
void main() {
  gl_Position = vec4((u_matrix * vec3(a_position, 1.0)).xy, 0.0, 1.0);
  v_radius = max(0.5, a_size / u_sizeRatio * u_pixelRatio);
  gl_PointSize = 2.0 * v_radius + 2.0;
  v_color = a_color;
}`;

const POINT_FS = `#version 300 es
precision mediump float;
in vec4 v_color;
in float v_radius;
out vec4 fragColor;
void main() {
  float distance = length((gl_PointCoord * 2.0 - 1.0) * (v_radius + 1.0));
  float alpha = clamp(v_radius + 0.5 - distance, 0.0, 1.0) * v_color.a;
  if (alpha <= 0.0) discard;
  fragColor = vec4(v_color.rgb * alpha, alpha);
}`;

function compile(gl: WebGL2RenderingContext, vertex: string, fragment: string): WebGLProgram {
  const program = gl.createProgram();
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertex],
    [gl.FRAGMENT_SHADER, fragment],
  ] as const) {
    const shader = gl.createShader(type);
    if (!shader) throw new Error('WebGL could not create a shader.');
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`A chart shader did not compile: ${gl.getShaderInfoLog(shader) ?? ''}`);
    gl.attachShader(program, shader);
    gl.deleteShader(shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`A chart shader did not link: ${gl.getProgramInfoLog(program) ?? ''}`);
  return program;
}

/** `#rgb`, `#rrggbb` or `#rrggbbaa` as four numbers from 0 to 1; anything else reads as grey. */
export function parseColour(colour: string): [number, number, number, number] {
  let hex = colour.startsWith('#') ? colour.slice(1) : '';
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  if ((hex.length !== 6 && hex.length !== 8) || !/^[0-9a-f]+$/i.test(hex)) return [0.6, 0.6, 0.6, 1];
  const part = (i: number): number => parseInt(hex.slice(i, i + 2), 16) / 255;
  return [part(0), part(2), part(4), hex.length === 8 ? part(6) : 1];
}

/** One vertex buffer with its layout, refilled when the chart changes. */
class Buffer {
  readonly vao: WebGLVertexArrayObject;
  private readonly buffer: WebGLBuffer;
  private readonly floatsPerVertex: number;
  count = 0;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    program: WebGLProgram,
    layout: Array<[name: string, size: number]>,
  ) {
    this.vao = gl.createVertexArray();
    this.buffer = gl.createBuffer();
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    const stride = layout.reduce((sum, [, size]) => sum + size, 0) * 4;
    let offset = 0;
    for (const [name, size] of layout) {
      const location = gl.getAttribLocation(program, name);
      if (location >= 0) {
        gl.enableVertexAttribArray(location);
        gl.vertexAttribPointer(location, size, gl.FLOAT, false, stride, offset);
      }
      offset += size * 4;
    }
    gl.bindVertexArray(null);
    this.floatsPerVertex = stride / 4;
  }

  fill(data: Float32Array, floats: number): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, data.subarray(0, floats), gl.DYNAMIC_DRAW);
    this.count = floats / this.floatsPerVertex;
  }

  kill(): void {
    this.gl.deleteVertexArray(this.vao);
    this.gl.deleteBuffer(this.buffer);
  }
}

const QUAD_CORNERS = [0, -1, 0, 1, 1, -1, 1, -1, 0, 1, 1, 1];

/** The three programs and their buffers, on the renderer's WebGL context. */
class FastPrograms {
  private readonly lines: WebGLProgram;
  private readonly quads: WebGLProgram;
  private readonly points: WebGLProgram;
  private readonly lineBuffer: Buffer;
  private readonly quadBuffer: Buffer;
  private readonly pointBuffer: Buffer;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.lines = compile(gl, LINE_VS, COLOUR_FS);
    this.quads = compile(gl, QUAD_VS, COLOUR_FS);
    this.points = compile(gl, POINT_VS, POINT_FS);
    this.lineBuffer = new Buffer(gl, this.lines, [
      ['a_position', 2],
      ['a_color', 4],
    ]);
    this.quadBuffer = new Buffer(gl, this.quads, [
      ['a_start', 2],
      ['a_end', 2],
      ['a_corner', 2],
    ]);
    this.pointBuffer = new Buffer(gl, this.points, [
      ['a_position', 2],
      ['a_size', 1],
      ['a_color', 4],
    ]);
  }

  fillEdges(lines: Float32Array, lineFloats: number, quads: Float32Array, quadFloats: number): void {
    this.lineBuffer.fill(lines, lineFloats);
    this.quadBuffer.fill(quads, quadFloats);
  }

  fillNodes(points: Float32Array, floats: number): void {
    this.pointBuffer.fill(points, floats);
  }

  drawEdges(params: RenderParams): void {
    const gl = this.gl;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    if (this.lineBuffer.count > 0) {
      gl.useProgram(this.lines);
      gl.uniformMatrix3fv(gl.getUniformLocation(this.lines, 'u_matrix'), false, params.matrix);
      gl.bindVertexArray(this.lineBuffer.vao);
      gl.drawArrays(gl.LINES, 0, this.lineBuffer.count);
    }
    if (this.quadBuffer.count > 0) {
      gl.useProgram(this.quads);
      gl.uniformMatrix3fv(gl.getUniformLocation(this.quads, 'u_matrix'), false, params.matrix);
      gl.uniform2f(gl.getUniformLocation(this.quads, 'u_viewport'), params.width * params.pixelRatio, params.height * params.pixelRatio);
      gl.uniform1f(gl.getUniformLocation(this.quads, 'u_thickness'), HIGHLIGHT_PX * params.pixelRatio);
      gl.uniform4f(gl.getUniformLocation(this.quads, 'u_color'), ...HIGHLIGHT_COLOUR);
      gl.bindVertexArray(this.quadBuffer.vao);
      gl.drawArrays(gl.TRIANGLES, 0, this.quadBuffer.count);
    }
    gl.bindVertexArray(null);
  }

  drawNodes(params: RenderParams): void {
    if (this.pointBuffer.count === 0) return;
    const gl = this.gl;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.points);
    gl.uniformMatrix3fv(gl.getUniformLocation(this.points, 'u_matrix'), false, params.matrix);
    gl.uniform1f(gl.getUniformLocation(this.points, 'u_sizeRatio'), params.sizeRatio);
    gl.uniform1f(gl.getUniformLocation(this.points, 'u_pixelRatio'), params.pixelRatio);
    gl.bindVertexArray(this.pointBuffer.vao);
    gl.drawArrays(gl.POINTS, 0, this.pointBuffer.count);
    gl.bindVertexArray(null);
  }

  kill(): void {
    for (const buffer of [this.lineBuffer, this.quadBuffer, this.pointBuffer]) buffer.kill();
    for (const program of [this.lines, this.quads, this.points]) this.gl.deleteProgram(program);
  }
}

/**
 * Turns cheap drawing on or off for one renderer; `enabled` is decided by the chart from its size.
 *
 * @example
 * const fast = new FastDrawing(renderer, graph, { isHidden: (type) => hidden.has(type), highlighted: () => edges });
 * fast.setEnabled(graph.order > 1_000);
 */
export class FastDrawing {
  private enabled = false;
  private programs: FastPrograms | null = null;
  private edgesDirty = true;
  private nodesDirty = true;
  private lineData = new Float32Array(0);
  private quadData = new Float32Array(0);
  private pointData = new Float32Array(0);
  private readonly internals: RendererInternals;
  private hooked: { nodeRender: AnyFunction; edgeRender: AnyFunction; framePass: AnyFunction } | null = null;
  private readonly markDirty = (): void => {
    this.edgesDirty = true;
    this.nodesDirty = true;
  };

  constructor(
    private readonly renderer: Sigma,
    private readonly graph: ChartGraph,
    private readonly style: FastEdgeStyle,
  ) {
    this.internals = renderer as unknown as RendererInternals;
    for (const event of ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared', 'edgesCleared'] as const) graph.on(event, this.markDirty);
    renderer.addCustomLayerProgram('casegraph-fast-edges', 'edges', (gl) => {
      this.programs?.kill();
      this.programs = new FastPrograms(gl);
      this.markDirty();
      return {
        // Called after the renderer has processed its data (positions, sizes, colours).
        cacheData: () => this.markDirty(),
        render: (params) => this.renderEdges(params),
        kill: () => {
          this.programs?.kill();
          this.programs = null;
        },
      };
    });
    renderer.addCustomLayerProgram('casegraph-fast-nodes', 'nodes', () => ({
      render: (params) => this.renderNodes(params),
      kill: () => undefined,
    }));
  }

  /** Whether the renderer's own edge and (during moves) node drawing is being replaced now. */
  get active(): boolean {
    return this.enabled && this.hooked !== null && this.hooksInPlace();
  }

  /** Switches cheap drawing on (large charts) or off (the renderer's own, with arrows and curves). */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on) this.hook();
    this.markDirty();
    this.renderer.scheduleRender();
  }

  /** The filtered types or the highlighted path changed: the lines are drawn again. */
  invalidateEdges(): void {
    this.edgesDirty = true;
    if (this.enabled) this.renderer.scheduleRender();
  }

  /** Stops listening to the graph (the renderer disposes the programs itself). */
  kill(): void {
    for (const event of ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared', 'edgesCleared'] as const) this.graph.off(event, this.markDirty);
  }

  /** Whether the view is moving, by the same test the renderer uses to hide edges on move. */
  private moving(): boolean {
    const mouse = this.renderer.getMouseCaptor();
    return this.renderer.getCamera().isAnimating() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0;
  }

  private hooksInPlace(): boolean {
    const { nodeProgram, edgeProgram, edgeFramePass } = this.internals;
    return this.hooked !== null && nodeProgram?.render === this.skipNodes && edgeProgram?.render === this.skipEdges && edgeFramePass?.run === this.skipFramePass;
  }

  private readonly skipNodes = (...args: unknown[]): unknown => {
    if (this.enabled && this.moving()) return undefined;
    return this.hooked?.nodeRender.apply(this.internals.nodeProgram, args);
  };

  private readonly skipEdges = (...args: unknown[]): unknown => {
    if (this.enabled) return undefined;
    return this.hooked?.edgeRender.apply(this.internals.edgeProgram, args);
  };

  // The frame pass places every edge's ends on its nodes' outlines for the edge program alone (and
  // edge labels, which the chart does not draw): it is not needed while the lines stand in.
  private readonly skipFramePass = (...args: unknown[]): unknown => {
    if (this.enabled) return undefined;
    return this.hooked?.framePass.apply(this.internals.edgeFramePass, args);
  };

  /** Puts the skips in place (again after the renderer rebuilt its programs on a lost WebGL context). */
  private hook(): void {
    if (this.hooksInPlace()) return;
    const { nodeProgram, edgeProgram, edgeFramePass } = this.internals;
    const nodeRender = nodeProgram?.render;
    const edgeRender = edgeProgram?.render;
    const framePass = edgeFramePass?.run;
    if (!nodeProgram || !edgeProgram || !edgeFramePass || typeof nodeRender !== 'function' || typeof edgeRender !== 'function' || typeof framePass !== 'function') {
      this.hooked = null;
      return;
    }
    this.hooked = { nodeRender, edgeRender, framePass };
    nodeProgram.render = this.skipNodes;
    edgeProgram.render = this.skipEdges;
    edgeFramePass.run = this.skipFramePass;
  }

  /** Node positions as the renderer holds them (its own normalised space, which its matrix maps to the screen). */
  private framedPositions(): Map<string, { x: number; y: number; size: number; color: string }> {
    const positions = new Map<string, { x: number; y: number; size: number; color: string }>();
    this.graph.forEachNode((node) => {
      const display = this.renderer.getNodeDisplayData(node);
      if (display && display.visibility !== 'hidden') positions.set(node, { x: display.x, y: display.y, size: display.size, color: display.color });
    });
    return positions;
  }

  private renderEdges(params: RenderParams): void {
    if (!this.enabled || !this.programs) return;
    if (!this.hooksInPlace()) {
      this.hook();
      if (!this.hooksInPlace()) return;
    }
    if (this.moving() && this.renderer.getSetting('hideEdgesOnMove')) return;
    if (this.edgesDirty) this.rebuildEdges();
    this.programs.drawEdges(params);
  }

  private renderNodes(params: RenderParams): void {
    if (!this.enabled || !this.programs || !this.hooksInPlace() || !this.moving()) return;
    if (this.nodesDirty) this.rebuildNodes();
    this.programs.drawNodes(params);
  }

  private rebuildEdges(): void {
    const positions = this.framedPositions();
    const highlighted = this.style.highlighted();
    if (this.lineData.length < this.graph.size * 12) this.lineData = new Float32Array(this.graph.size * 12);
    if (this.quadData.length < highlighted.size * 36) this.quadData = new Float32Array(highlighted.size * 36);
    let lines = 0;
    let quads = 0;
    const colours = new Map<string, [number, number, number, number]>();
    this.graph.forEachEdge((edge, attributes, source, target) => {
      if (this.style.isHidden(attributes.relation)) return;
      const from = positions.get(source);
      const to = positions.get(target);
      if (!from || !to) return;
      if (highlighted.has(edge)) {
        for (let corner = 0; corner < 6; corner += 1) {
          this.quadData.set([from.x, from.y, to.x, to.y, QUAD_CORNERS[corner * 2] ?? 0, QUAD_CORNERS[corner * 2 + 1] ?? 0], quads);
          quads += 6;
        }
        return;
      }
      let colour = colours.get(attributes.color);
      if (!colour) {
        colour = parseColour(attributes.color);
        colour[3] *= LINE_ALPHA;
        colours.set(attributes.color, colour);
      }
      this.lineData.set([from.x, from.y, ...colour, to.x, to.y, ...colour], lines);
      lines += 12;
    });
    this.programs?.fillEdges(this.lineData, lines, this.quadData, quads);
    this.edgesDirty = false;
  }

  private rebuildNodes(): void {
    const positions = this.framedPositions();
    if (this.pointData.length < positions.size * 7) this.pointData = new Float32Array(positions.size * 7);
    let floats = 0;
    for (const node of positions.values()) {
      this.pointData.set([node.x, node.y, node.size, ...parseColour(node.color)], floats);
      floats += 7;
    }
    this.programs?.fillNodes(this.pointData, floats);
    this.nodesDirty = false;
  }
}
