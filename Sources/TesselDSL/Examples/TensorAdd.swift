import TesselIR

extension DSLExamples {
  /// `kernels/tensor_add.py` (`tensor_add_kernel`): `a + b` for any `[rows, cols]`, tiled
  /// 128 × 512 with the ragged last tiles masked.
  ///
  /// ```swift
  /// let k = DSLExamples.tensorAdd(rows: 300, cols: 700)
  /// ```
  public static func tensorAdd(rows numRows: Int, cols numCols: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(
      name: "tensor_add_kernel",
      KernelParameter("a_input", shape: [numRows, numCols], dtype: dtype),
      KernelParameter("b_input", shape: [numRows, numCols], dtype: dtype)
    ) { aInput, bInput in
      let cOutput = output("c_output", shape: [numRows, numCols], dtype: aInput.dtype)
      let tileRows = pmax
      let tileCols = 512
      let rowTiles = (numRows + tileRows - 1) / tileRows
      let colTiles = (numCols + tileCols - 1) / tileCols
      affineRange(rowTiles, name: "r") { r in
        affineRange(colTiles, name: "c") { c in
          let rows = r * tileRows + GridIndex.partition
          let cols = c * tileCols + GridIndex.free
          let inside = (rows < numRows) && (cols < numCols)
          let aTile = load(aInput[r * tileRows ..+ tileRows, c * tileCols ..+ tileCols], mask: inside)
          let bTile = load(bInput[r * tileRows ..+ tileRows, c * tileCols ..+ tileCols], mask: inside)
          let cTile = add(aTile, bTile, mask: inside)
          store(cOutput[r * tileRows ..+ tileRows, c * tileCols ..+ tileCols], value: cTile, mask: inside)
        }
      }
    }
  }

  /// `kernels/tensor_add_spmd.py` (`tensor_add_spmd_kernel[rows/128, cols/512]`): one
  /// `[128, 512]` tile per SPMD program, written into the output parameter `c_output`.
  ///
  /// ```swift
  /// let k = DSLExamples.tensorAddSPMD(rows: 256, cols: 1024)   // grid [2, 2]
  /// ```
  public static func tensorAddSPMD(rows numRows: Int, cols numCols: Int, dtype: DType = .float32) -> SwiftKernel {
    SwiftKernel(
      name: "tensor_add_spmd_kernel",
      KernelParameter("a_input", shape: [numRows, numCols], dtype: dtype),
      KernelParameter("b_input", shape: [numRows, numCols], dtype: dtype),
      KernelParameter("c_output", shape: [numRows, numCols], dtype: dtype),
      grid: [numRows / 128, numCols / 512]
    ) { aInput, bInput, cOutput in
      let row0 = programID(0) * 128
      let col0 = programID(1) * 512
      let aTile = load(aInput[row0 ..+ 128, col0 ..+ 512])
      let bTile = load(bInput[row0 ..+ 128, col0 ..+ 512])
      store(cOutput[row0 ..+ 128, col0 ..+ 512], value: add(aTile, bTile))
    }
  }
}
