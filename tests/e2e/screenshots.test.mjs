// `./build.sh demo --screenshots DIR` writes a picture of the panel in each state a user meets
// (screenshots.mjs): this runs it and looks at what it wrote, so the pictures cannot silently rot.
// Run: node --test tests/e2e/screenshots.test.mjs (after ./build.sh).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BROWSER, identify, tempDir } from './fixtures.mjs';
import { writeScreenshots } from './screenshots.mjs';

// The mean grey level (0 black … 1 white) of the panel's rectangle in a screenshot.
function panelBrightness(dir, shot) {
  const { x, y, width, height } = shot.panel;
  const crop = `${Math.round(width)}x${Math.round(height)}+${Math.round(x)}+${Math.round(y)}`;
  return Number(execFileSync('convert', [join(dir, shot.file), '-crop', crop, '+repage', '-colorspace', 'Gray', '-format', '%[fx:mean]', 'info:'], { encoding: 'utf8' }));
}

describe('screenshots of the panel', { skip: BROWSER !== 'chromium' && 'pictures are taken in Chromium' }, () => {
  it('pictures idle, uploading, done, dark, narrow, collapsed and another language, each showing the panel', { timeout: 240_000 }, async () => {
    const out = tempDir('photolift-screenshots-test-');
    try {
      const shots = await writeScreenshots(out.dir);
      const byState = Object.fromEntries(shots.map((shot) => [shot.state, shot]));
      assert.deepEqual(Object.keys(byState).sort(), ['collapsed', 'dark', 'done', 'done-zh_CN', 'idle', 'narrow', 'uploading']);
      const listed = JSON.parse(readFileSync(join(out.dir, 'screenshots.json'), 'utf8'));
      assert.deepEqual(listed.map((s) => s.file), shots.map((s) => s.file));
      for (const shot of shots) {
        const image = identify(join(out.dir, shot.file));
        assert.equal(image.format, 'PNG', shot.file);
        assert.deepEqual([image.width, image.height], [shot.viewport.width, shot.viewport.height], shot.file);
        const { x, y, width, height } = shot.panel;
        assert.ok(x >= 0 && y >= 0 && x + width <= image.width + 0.5 && y + height <= image.height + 0.5,
          `${shot.file}: the panel lies inside the picture (${JSON.stringify(shot.panel)})`);
      }
      assert.match(byState.done.language, /^en/);
      assert.equal(byState['done-zh_CN'].language, 'zh-CN', 'the panel speaks the browser\'s language');
      assert.ok(byState.narrow.viewport.width < byState.done.viewport.width);
      const area = (shot) => shot.panel.width * shot.panel.height;
      assert.ok(area(byState.collapsed) < area(byState.done) / 4, 'collapsed, the panel is small');
      // Dark mode is seen in the pixels, not just asked for.
      const light = panelBrightness(out.dir, byState.done);
      const dark = panelBrightness(out.dir, byState.dark);
      assert.ok(light > 0.6 && dark < 0.4, `panel brightness light ${light}, dark ${dark}`);
    } finally {
      out.remove();
    }
  });
});
