def break_glass(request):
    return {"break_glass": getattr(request, "break_glass", None)}
